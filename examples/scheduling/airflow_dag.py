"""Airflow DAG for the nightly pipeline run (Airflow 2.x).

Two variants of the same task: BashOperator on a worker that has the binary,
KubernetesPodOperator in a cluster. pipeline exits 0 on success, 1 on a
runtime failure (retry), 2 on a config or usage error (do not retry: fix the
config).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

with DAG(
    dag_id="pipeline_nightly",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,  # a run covers the sources as they are now: never backfill
    max_active_runs=1,  # the warehouse lock would refuse a second one anyway
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    run_on_worker = BashOperator(
        task_id="pipeline_run",
        bash_command="/usr/local/bin/pipeline run -f /srv/pipeline/pipeline.yaml --log-format json",
    )

    audit_on_worker = BashOperator(
        task_id="pipeline_audit_verify",
        bash_command="/usr/local/bin/pipeline audit verify -f /srv/pipeline/pipeline.yaml --log-format json",
    )

    # exits 1 when a rights request is past its due date: the task fails and alerts
    overdue_requests = BashOperator(
        task_id="pipeline_requests_overdue",
        bash_command="/usr/local/bin/pipeline requests --overdue -f /srv/pipeline/pipeline.yaml --log-format json",
    )

    run_in_cluster = KubernetesPodOperator(
        task_id="pipeline_run_k8s",
        name="pipeline-nightly",
        image="registry.example.com/pipeline:latest",
        cmds=["/usr/local/bin/pipeline"],
        arguments=["run", "-f", "/srv/pipeline/pipeline.yaml", "--log-format", "json"],
        get_logs=True,
        # the warehouse and exports live on a persistent volume mounted at /srv/pipeline
    )

    run_on_worker >> audit_on_worker >> overdue_requests
