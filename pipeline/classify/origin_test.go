package classify

import "testing"

// email_origin (source|pattern) says where an email came from; it is not an email.
func TestEmailOriginIsNotEmail(t *testing.T) {
	for _, col := range []string{"email_origin", "email_source", "email_type", "email_verified"} {
		if r := ByName("prospects", col, nil); r.Category == ContactEmail {
			t.Errorf("%s classified as %s", col, r.Category)
		}
	}
	if r := ByName("prospects", "email", nil); r.Category != ContactEmail {
		t.Errorf("email classified as %s", r.Category)
	}
}
