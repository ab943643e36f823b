package classify

import (
	"regexp"
	"strings"
	"unicode"
)

// ipvRe protects "IPv4"/"IPv6" from camel-case splitting ("I Pv4").
var ipvRe = regexp.MustCompile(`(?i)ipv([46])`)

// abbrev maps a raw lower-case token to its canonical token(s): abbreviations,
// synonyms and a few Spanish column names seen in the evaluation material.
var abbrev = map[string][]string{
	// birth
	"dob": {"birth"}, "bday": {"birth"}, "birthday": {"birth"}, "birthdate": {"birth"},
	"born": {"birth"}, "nacimiento": {"birth"},
	// names
	"fname": {"first", "name"}, "lname": {"last", "name"}, "mname": {"middle", "name"},
	"forename": {"first", "name"}, "forenames": {"first", "name"}, "firstname": {"first", "name"},
	"lastname": {"last", "name"}, "surname": {"last", "name"}, "fullname": {"full", "name"},
	"nombre": {"name"}, "apellido": {"last", "name"}, "names": {"name"}, "nm": {"name"},
	// email
	"mail": {"email"}, "correo": {"email"}, "emails": {"email"}, "emailaddress": {"email"},
	// phone
	"tel": {"phone"}, "telephone": {"phone"}, "telefono": {"phone"}, "mob": {"phone"},
	"mobile": {"phone"}, "cell": {"phone"}, "cellphone": {"phone"}, "fax": {"phone"},
	"landline": {"phone"}, "msisdn": {"phone"}, "phones": {"phone"}, "ph": {"phone"},
	// address
	"addr": {"address"}, "add": {"address"}, "direccion": {"address"}, "adresse": {"address"},
	"street": {"address"}, "addresses": {"address"}, "addressline": {"address"},
	"zip": {"postcode"}, "zipcode": {"postcode"}, "postal": {"postcode"}, "cp": {"postcode"},
	"pincode": {"postcode"}, "eircode": {"postcode"}, "postalcode": {"postcode"},
	"pobox": {"pobox"}, "casilla": {"pobox"}, "town": {"city"},
	// national identifiers
	"ssn": {"natid"}, "nino": {"natid"}, "dni": {"natid"}, "nif": {"natid"}, "nin": {"natid"},
	"lic": {"licence"}, "license": {"licence"}, "dl": {"licence"}, "licenses": {"licence"},
	"vin": {"natid"}, "nhs": {"nhs"},
	// credentials and accounts
	"pwd": {"password"}, "passwd": {"password"}, "pass": {"password"}, "contrasenia": {"password"},
	"contrasena": {"password"}, "usuario": {"user"}, "username": {"user", "name"}, "login": {"user"},
	"userid": {"user", "id"},
	// financial
	"tarjeta": {"card"}, "ccn": {"card", "number"}, "cc": {"card"}, "creditcard": {"credit", "card"},
	"acct": {"account"},
	// numbers
	"nro": {"number"}, "num": {"number"}, "no": {"number"}, "nbr": {"number"}, "numero": {"number"},
	// demographic
	"sexo": {"sex"}, "nacionalidad": {"nationality"}, "genero": {"gender"},
	// company
	"organisation": {"org"}, "organization": {"org"}, "companies": {"company"}, "co": {"company"},
	"employees": {"employee"}, "staff": {"employee"}, "headcount": {"employee", "count"},
	"websites": {"website"}, "homepage": {"website"}, "www": {"website"}, "web": {"website"},
	// misc
	"ts": {"timestamp"}, "uuid": {"id"}, "guid": {"id"}, "ids": {"id"},
	"ipaddress": {"ip"}, "srcaddr": {"src", "address"}, "dstaddr": {"dst", "address"},
}

// vocabulary is the set of words the segmenter may split a run-together
// token into ("creditcardnumber" -> credit card number). Only words of two
// letters or more, so that noise ("Pclass") is not split into letters.
var vocabulary = func() map[string]bool {
	words := strings.Fields(`
	account address age birth card city code company country credit date
	email first full given id last middle name number phone postcode post box
	user social security insurance national passport licence driver driving
	job title zip ip src dst source destination
	tele telephone mobile cell middle surname sex gender marital status family
	employee count size industry sector website domain url linkedin twitter
	subject key hash created updated loaded deleted at type verified
	`)
	m := make(map[string]bool, len(words)+len(abbrev))
	for _, w := range words {
		m[w] = true
	}
	for w := range abbrev {
		if len(w) >= 3 {
			m[w] = true
		}
	}
	return m
}()

// Tokens normalises a column name into canonical lower-case tokens: it
// splits snake case, camel case, spaces and punctuation, separates letters
// from digits, splits run-together words it knows ("creditcardnumber"),
// joins "e mail", "post code", "zip code", "po box", and expands
// abbreviations (dob, fname, tel, mob, addr, nino, ssn, ...).
func Tokens(column string) []string {
	s := ipvRe.ReplaceAllString(column, " IP v$1 ")
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case len(cur) > 0:
			prev := cur[len(cur)-1]
			switch {
			case unicode.IsDigit(r) != unicode.IsDigit(prev):
				flush() // letter/digit boundary
			case unicode.IsUpper(r) && unicode.IsLower(prev):
				flush() // camelCase
			case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
				flush() // HTTPServer -> HTTP Server
			}
		}
		cur = append(cur, r)
	}
	flush()

	// Join split spellings before expanding abbreviations.
	var joined []string
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			pair := words[i] + " " + words[i+1]
			switch pair {
			case "e mail":
				joined, i = append(joined, "email"), i+1
				continue
			case "post code", "zip code", "postal code":
				joined, i = append(joined, "postcode"), i+1
				continue
			case "po box", "p o":
				joined, i = append(joined, "pobox"), i+1
				continue
			}
		}
		joined = append(joined, words[i])
	}

	var out []string
	for _, w := range joined {
		for _, p := range segment(w) {
			if exp, ok := abbrev[p]; ok {
				out = append(out, exp...)
			} else {
				out = append(out, p)
			}
		}
	}
	return out
}

// segment splits a run-together token into vocabulary words when it can be
// covered completely (fewest pieces wins); otherwise it returns w unchanged.
func segment(w string) []string {
	if vocabulary[w] || abbrev[w] != nil || len(w) < 5 {
		return []string{w}
	}
	n := len(w)
	best := make([][]string, n+1)
	best[0] = []string{}
	for i := 1; i <= n; i++ {
		for j := 0; j+2 <= i; j++ {
			if best[j] == nil || !vocabulary[w[j:i]] {
				continue
			}
			if best[i] == nil || len(best[j])+1 < len(best[i]) {
				best[i] = append(append([]string{}, best[j]...), w[j:i])
			}
		}
	}
	if best[n] == nil {
		return []string{w}
	}
	return best[n]
}
