"""Airflow DAG for a sharded nightly run (Airflow >= 2.4; docs/sharding.md).

One mapped task per shard (dynamic task mapping: the same task expanded
over N shard numbers), then the commit task, which runs only when every
shard succeeded. The run id is the DAG run's logical time, so clearing a
failed shard reruns it under the same id and the commit can follow. The
project folder (pipeline.yaml, warehouses, exports) is on storage every
worker mounts at /srv/pipeline: it must give atomic rename within a folder
and flock across machines.

pipeline exits 0 on success, 1 on a runtime failure (retry), 2 on a config
or usage error (do not retry: fix the config).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

SHARDS = 4
PIPELINE = "/usr/local/bin/pipeline"
CONFIG = "/srv/pipeline/pipeline.yaml"
RUN_ID = "nightly-{{ ts_nodash }}"  # letters, digits, '.', '_', '-' only

with DAG(
    dag_id="pipeline_nightly_sharded",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,  # a run covers the sources as they are now: never backfill
    max_active_runs=1,  # one sharded run at a time: each shard's lock would refuse a second
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    shards = BashOperator.partial(
        task_id="pipeline_shard",
        bash_command=(
            f"{PIPELINE} run -f {CONFIG} --shard \"$SHARD/{SHARDS}\" "
            f"--run-id {RUN_ID} --log-format json"
        ),
        append_env=True,
        max_active_tis_per_dag=SHARDS,
    ).expand(env=[{"SHARD": str(i)} for i in range(SHARDS)])

    # trigger_rule all_success (the default): runs once every shard succeeded;
    # commit-run checks it again and refuses (exit 1) otherwise
    commit = BashOperator(
        task_id="pipeline_commit_run",
        bash_command=f"{PIPELINE} commit-run {RUN_ID} -f {CONFIG} --log-format json",
    )

    shards >> commit
