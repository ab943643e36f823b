package config

// RectifiableColumns are the person columns `pipeline rectify` may correct
// (table rectifications, sql/enrich_rectify.sql). The others are refused:
// email re-keys the subject (an erasure of the old address plus the new
// one), company_domain and country decide the company and region a person
// is joined to, and the rest are derived by the pipeline.
var RectifiableColumns = []string{"first_name", "last_name", "job_title", "phone", "linkedin_url"}
