package manifest

import (
	"fmt"
	"path"
	"strings"
)

// MaxBucketDigits is the most hex characters of subject_key a bucket
// name uses (16^8 buckets per partition).
const MaxBucketDigits = 8

// FileName is the name of the n-th file of a bucket ("" bucket: the
// unbucketed part-<n>.parquet).
func FileName(bucket string, n int) string {
	if bucket == "" {
		return fmt.Sprintf("part-%d.parquet", n)
	}
	return fmt.Sprintf("part-%s-%d.parquet", bucket, n)
}

// Bucket reads the bucket from a file's name (any folder prefix, either
// separator): part-<bucket>-<n>.parquet gives bucket, true; any other
// name "", false (an unbucketed file, which may hold any subject).
func Bucket(file string) (string, bool) {
	base := path.Base(strings.ReplaceAll(file, "\\", "/"))
	rest, ok := strings.CutPrefix(base, "part-")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutSuffix(rest, ".parquet")
	if !ok {
		return "", false
	}
	b, n, ok := strings.Cut(rest, "-")
	if !ok || b == "" || len(b) > MaxBucketDigits || !isHex(b) || !isDigits(n) {
		return "", false
	}
	return b, true
}

// MayHold reports whether the file may hold rows of the subject with
// this subject_key: an unbucketed file may; a bucketed one only when its
// bucket is the key's prefix.
func MayHold(file, subjectKey string) bool {
	b, ok := Bucket(file)
	return !ok || strings.HasPrefix(strings.ToLower(subjectKey), b)
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
