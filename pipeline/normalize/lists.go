package normalize

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// The reference lists, vendored from npm packages; see lists/README.md for
// versions, licences and how to refresh them.
var (
	//go:embed lists/free_email_domains.txt
	freeEmailDomainsTxt string
	//go:embed lists/disposable_email_domains.txt
	disposableDomainsTxt string
	//go:embed lists/disposable_email_domains_wildcard.txt
	disposableWildcardTxt string
	//go:embed lists/role_based_email_addresses.txt
	roleLocalPartsTxt string
)

// refList is one parsed reference list: its entries in file order and a set
// for lookups. It is built once and never modified afterwards.
type refList struct {
	entries []string
	set     map[string]struct{}
}

func (l *refList) has(s string) bool {
	_, ok := l.set[s]
	return ok
}

// The parsed lists, built on first use. They are immutable once built.
var (
	freeList           = sync.OnceValue(func() *refList { return parseList(freeEmailDomainsTxt, true) })
	disposableList     = sync.OnceValue(func() *refList { return parseList(disposableDomainsTxt, true) })
	disposableWildList = sync.OnceValue(func() *refList { return parseList(disposableWildcardTxt, true) })
	roleList           = sync.OnceValue(func() *refList { return parseList(roleLocalPartsTxt, false) })
)

// parseList splits a list file into entries: trimmed, lower-cased, without
// blank lines, '#' comments and duplicates. For domain lists, entries with
// non-ASCII characters are converted to punycode so that they match the
// output of [Email] and [Domain]; an entry IDNA rejects is kept as written.
func parseList(txt string, domains bool) *refList {
	l := &refList{set: make(map[string]struct{}, strings.Count(txt, "\n")+1)}
	for line := range strings.Lines(txt) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		e := strings.ToLower(trim(line))
		if domains {
			e = strings.TrimSuffix(e, ".")
			if !IsASCII(e) {
				if a, err := idna.Lookup.ToASCII(e); err == nil {
					e = a
				}
			}
		}
		if e == "" || l.has(e) {
			continue
		}
		l.entries = append(l.entries, e)
		l.set[e] = struct{}{}
	}
	return l
}

// FreeWebmailDomains returns the free webmail domains (gmail.com,
// outlook.com, …; npm free-email-domains), lower case, punycode, one entry
// per element, comments and blank lines removed. The list also contains
// some disposable domains. The caller owns the returned slice.
func FreeWebmailDomains() []string { return slices.Clone(freeList().entries) }

// DisposableDomains returns the disposable mailbox domains that match
// exactly (npm disposable-email-domains, index.json), in the same form as
// [FreeWebmailDomains]. The caller owns the returned slice.
func DisposableDomains() []string { return slices.Clone(disposableList().entries) }

// DisposableWildcardDomains returns the disposable domains whose every
// subdomain is disposable too (npm disposable-email-domains,
// wildcard.json). The caller owns the returned slice.
func DisposableWildcardDomains() []string { return slices.Clone(disposableWildList().entries) }

// RoleLocalParts returns the local parts of role mailboxes (info, sales,
// noreply, …; npm role-based-email-addresses), lower case. The caller owns
// the returned slice.
func RoleLocalParts() []string { return slices.Clone(roleList().entries) }

// lookupDomain reports whether match accepts domain as given or, when that
// differs, in its normalised host form (lower case, punycode, no trailing
// dot), so "Gmail.COM." and "bücher.de" match too. Unlike [Domain] it keeps
// a "www." label: www.gmail.com is not gmail.com.
func lookupDomain(domain string, match func(string) bool) bool {
	if match(domain) {
		return true
	}
	if d, ok := asciiHost(trim(domain)); ok && d != domain {
		return match(d)
	}
	return false
}

// IsFreeWebmail reports whether domain is a free webmail domain (exact match
// after normalisation; subdomains do not count). domain is normally the
// domain part of a normalised email.
func IsFreeWebmail(domain string) bool {
	return lookupDomain(domain, freeList().has)
}

// IsDisposable reports whether domain is a disposable mailbox domain: an
// exact entry of [DisposableDomains], or equal to or a subdomain of an
// entry of [DisposableWildcardDomains].
func IsDisposable(domain string) bool {
	return lookupDomain(domain, isDisposableASCII)
}

func isDisposableASCII(d string) bool {
	if disposableList().has(d) {
		return true
	}
	wild := disposableWildList()
	for {
		if wild.has(d) {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
	}
}

// roleQualifiers are tokens that may follow a role word without making the
// mailbox personal: "sales-emea", "info.europe".
var roleQualifiers = map[string]bool{
	"amer": true, "apac": true, "emea": true, "latam": true, "nordics": true,
	"europe": true, "global": true, "intl": true, "international": true,
	"dept": true, "desk": true, "office": true, "group": true,
}

// IsRole reports whether local, the local part of a normalised email, is a
// role mailbox rather than a person. It is a role when, after lower-casing
// and dropping a "+tag":
//   - it is an entry of [RoleLocalParts] ("info", "sales.team"), or
//   - split on '.', '-' and '_', its first token is a role entry containing
//     a letter and every further token is a role entry, a number, a
//     two-letter code (country: "uk", "de") or a region/department word
//     ("emea", "apac", "global", "office", …):
//     "info.uk", "sales-emea", "support_2", "hr-team".
//
// The rule is deliberately conservative: a role word followed by anything
// else is treated as a person ("sales.john", "per.andersson" — "per" is a
// role entry and a Swedish first name), because calling a personal mailbox
// a role mailbox would under-protect personal data.
func IsRole(local string) bool {
	l := strings.ToLower(local)
	if i := strings.IndexByte(l, '+'); i >= 0 {
		l = l[:i]
	}
	if l == "" {
		return false
	}
	roles := roleList()
	if roles.has(l) {
		return true
	}
	tokens := strings.FieldsFunc(l, func(r rune) bool { return r == '.' || r == '-' || r == '_' })
	if len(tokens) < 2 || !roles.has(tokens[0]) || !hasLetter(tokens[0]) {
		return false
	}
	for _, t := range tokens[1:] {
		if !roles.has(t) && !allDigits(t) && !isTwoLetters(t) && !roleQualifiers[t] {
			return false
		}
	}
	return true
}

// IsASCII reports whether s has no byte outside ASCII.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func hasLetter(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
}

func isTwoLetters(s string) bool {
	return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
}

// EmailType is the classification of an email address carried in the
// prospects' email_type column.
type EmailType string

// The email types, from the strongest to the weakest (see [ClassifyEmail]).
const (
	// EmailInvalid: bad syntax, or a disposable mailbox domain.
	EmailInvalid EmailType = "invalid"
	// EmailRole: a role mailbox such as info@ or sales@ (see [IsRole]).
	EmailRole EmailType = "role"
	// EmailFreeWebmail: a personal mailbox at a free webmail provider, which
	// makes its owner an individual subscriber under PECR.
	EmailFreeWebmail EmailType = "free_webmail"
	// EmailPersonal: a named person's mailbox at an organisation's domain.
	EmailPersonal EmailType = "personal"
)

// ClassifyEmail classifies a normalised email; norm and ok are the results
// of [Email]. The first matching rule wins:
//
//  1. invalid: !ok, no '@', or a disposable domain ([IsDisposable]);
//  2. role: the local part is a role mailbox ([IsRole]), also at a free
//     webmail domain ("info@gmail.com" is role);
//  3. free_webmail: the domain is a free webmail domain ([IsFreeWebmail]);
//  4. personal: everything else.
//
// Disposable wins over free webmail because the free list also contains
// disposable domains (mailinator.com). Whether the subscriber is an
// individual is a separate question: use [IsFreeWebmail] on the domain.
func ClassifyEmail(norm string, ok bool) EmailType {
	if !ok {
		return EmailInvalid
	}
	local, domain := SplitEmail(norm)
	switch {
	case local == "" || domain == "" || IsDisposable(domain):
		return EmailInvalid
	case IsRole(local):
		return EmailRole
	case IsFreeWebmail(domain):
		return EmailFreeWebmail
	default:
		return EmailPersonal
	}
}
