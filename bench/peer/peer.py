#!/usr/bin/env python3
"""The peer: the nightly prospect job as a plain pandas script, written the
way many teams write it today (read everything, .map() Python functions over
columns, merge, sort, drop_duplicates, write per-country files).

    python3 bench/peer/peer.py --data DIR --out DIR [--lists pipeline/normalize/lists]

Same job and same semantics as `pipeline run` on the generated set (the
bench checks the exported row count): normalised domains and emails (the
rules of pipeline/normalize, re-implemented in Python), targeting, roles from
sql/title_rules.csv, derived work emails, email types from the same vendored
lists, one row per subject, suppression by email hash and domain, export of
the campaign's columns partitioned by country. Phones are normalised crudely
(digits, national 0 -> +44): they only blank a phone, never remove a row.
Writes Parquet when pyarrow or fastparquet is importable, CSV otherwise
(Debian ships no python3-pyarrow). Prints {"exported": N} as JSON.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import sys
import unicodedata

import pandas as pd

TRIM = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"
ATEXT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
LABEL_OK = set("abcdefghijklmnopqrstuvwxyz0123456789-")
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+\-.]*://")


def ascii_host(s):
    if not s:
        return None
    try:
        a = s.lower().encode("idna").decode("ascii") if not s.isascii() else s.lower()
    except UnicodeError:
        return None
    if a.endswith("."):
        a = a[:-1]
    if not a or len(a) > 253:
        return None
    labels = a.split(".")
    for l in labels:
        if not l or len(l) > 63 or l[0] == "-" or l[-1] == "-" or not set(l) <= LABEL_OK:
            return None
    if len(labels) < 2 or labels[-1].isdigit():
        return None
    return a


def norm_domain(raw):
    if not isinstance(raw, str):
        return None
    s = raw.strip(TRIM)
    if s[:7].lower() == "mailto:":
        s = s[7:]
    if s.startswith("//"):
        s = s[2:]
    else:
        m = SCHEME_RE.match(s)
        if m:
            s = s[m.end():]
    m = re.search(r"[/?#\\]", s)
    if m:
        s = s[: m.start()]
    if "@" in s:
        s = s[s.rindex("@") + 1:]
    i = s.rfind(":")
    if i >= 0 and s[i + 1:].isdigit() or (i >= 0 and s[i + 1:] == ""):
        s = s[:i]
    h = ascii_host(s)
    if h is None:
        return None
    if h.startswith("www.") and "." in h[4:]:
        h = h[4:]
    return h


def unwrap_email(s):
    while True:
        before = s
        s = s.strip(TRIM)
        if s[:7].lower() == "mailto:":
            s = s[7:].split("?", 1)[0]
        if s.endswith(">") and "<" in s:
            s = s[s.rindex("<") + 1: -1]
        if s == before:
            return s


def valid_local(l):
    if not l or len(l.encode()) > 64 or l[0] == "." or l[-1] == "." or ".." in l:
        return False
    for ch in l:
        if ord(ch) < 128:
            if ch not in ATEXT:
                return False
        elif ch in TRIM or unicodedata.category(ch) in ("Cc", "Cf"):
            return False
    return True


def norm_email(raw):
    if not isinstance(raw, str):
        return None
    s = unwrap_email(raw)
    at = s.find("@")
    if at <= 0 or "@" in s[at + 1:]:
        return None
    local = unicodedata.normalize("NFC", s[:at].lower())
    if not valid_local(local):
        return None
    d = ascii_host(s[at + 1:])
    if d is None:
        return None
    e = local + "@" + d
    return e if len(e.encode()) <= 254 else None


def load_list(path, domains):
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = line.split("#", 1)[0].strip(TRIM).lower()
            if domains:
                e = e.rstrip(".") if e.endswith(".") else e
                if not e.isascii():
                    try:
                        e = e.encode("idna").decode("ascii")
                    except UnicodeError:
                        pass
            if e:
                out.add(e)
    return out


ROLE_QUALIFIERS = {"amer", "apac", "emea", "latam", "nordics", "europe", "global", "intl",
                   "international", "dept", "desk", "office", "group"}


def make_email_type(lists):
    free = load_list(os.path.join(lists, "free_email_domains.txt"), True)
    disp = load_list(os.path.join(lists, "disposable_email_domains.txt"), True)
    wild = load_list(os.path.join(lists, "disposable_email_domains_wildcard.txt"), True)
    roles = load_list(os.path.join(lists, "role_based_email_addresses.txt"), False)

    def disposable(d):
        if d in disp:
            return True
        while True:
            if d in wild:
                return True
            i = d.find(".")
            if i < 0:
                return False
            d = d[i + 1:]

    def is_role(local):
        l = local.lower().split("+", 1)[0]
        if not l:
            return False
        if l in roles:
            return True
        toks = [t for t in re.split(r"[.\-_]", l) if t]
        if len(toks) < 2 or toks[0] not in roles or not re.search("[a-z]", toks[0]):
            return False
        return all(t in roles or t.isdigit() or re.fullmatch("[a-z]{2}", t) or t in ROLE_QUALIFIERS for t in toks[1:])

    def email_type(e):
        if not isinstance(e, str):
            return "invalid"
        local, _, domain = e.rpartition("@")
        if not local or not domain or disposable(domain):
            return "invalid"
        if is_role(local):
            return "role"
        if domain in free:
            return "free_webmail"
        return "personal"

    return email_type


def crude_phone(raw, country):
    if not isinstance(raw, str):
        return None
    digits = re.sub(r"[^0-9+]", "", raw.replace("(0)", ""))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("0") and country in (None, "GB", "UK"):
        digits = "+44" + digits[1:]
    return digits if digits.startswith("+") and 8 <= len(digits) <= 16 else None


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest() if isinstance(s, str) else None


def blank(s):
    """nullif(trim(s), '') on a string column (DuckDB trim: spaces)."""
    s = s.str.strip(" ")
    return s.where(s != "", None)


def name_token(s):
    s = s.fillna("").str.translate(str.maketrans("łŁøØđĐßæÆ", "lLoOdDsaA"))
    s = s.map(lambda x: "".join(c for c in unicodedata.normalize("NFD", x) if not unicodedata.combining(c)))
    return s.str.lower().str.replace("[^a-z]", "", regex=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--lists", default="pipeline/normalize/lists")
    ap.add_argument("--title-rules", default="sql/title_rules.csv")
    a = ap.parse_args()
    email_type = make_email_type(a.lists)
    rd = lambda name: pd.read_csv(os.path.join(a.data, name), dtype=str, keep_default_na=False, na_values=[])

    # companies: normalised, one row per domain, the most complete row wins
    c = rd("companies.csv")
    comp = pd.DataFrame({
        "domain": c["website"].map(norm_domain),
        "name": blank(c["company_name"]),
        "industry": blank(c["industry"]),
        "employees": pd.to_numeric(c["employees"].str.strip(" ").str.replace(",", "").str.replace("_", ""),
                                   errors="coerce").astype("Int64"),
        "country": blank(c["country"].str.upper()),
        "email_pattern": blank(c["email_pattern"].str.lower()),
        "company_type": blank(c["company_type"].str.strip(" ").str.lower().str.replace("[^a-z]+", "_", regex=True)),
    })
    comp = comp[comp["domain"].notna()]
    comp["_missing"] = comp[["name", "employees", "country", "email_pattern"]].isna().sum(axis=1)
    comp = comp.sort_values(["_missing", "name", "employees", "country", "email_pattern", "company_type"], kind="stable")
    comp = comp.drop_duplicates("domain").drop(columns="_missing")
    target = comp[comp["country"].isin(["GB", "IE"]) & (comp["employees"] >= 50)]

    # people at target companies
    p = rd("people.csv")
    dom_raw = blank(p["company_domain"]).fillna(p["email"].str.strip(" ").str.split("@").str[1].fillna(""))
    people = pd.DataFrame({
        "first_name": blank(p["first_name"]), "last_name": blank(p["last_name"]),
        "email_raw": blank(p["email"]), "job_title": blank(p["job_title"]),
        "company_domain": dom_raw.map(norm_domain),
        "phone_raw": blank(p["phone"]), "linkedin_url": blank(p["linkedin_url"]),
        "person_country": blank(p["country"].str.upper()),
    })
    del p
    people = people.merge(target.rename(columns={"domain": "company_domain", "name": "company_name",
                                                 "country": "company_country"}), on="company_domain")

    # department and seniority from job titles
    rules = pd.read_csv(a.title_rules, dtype=str, keep_default_na=False)
    rules["priority"] = rules["priority"].astype(int)
    rules = rules.sort_values("priority")
    compiled = [(r.field, r.value, re.compile(r.pattern)) for r in rules.itertuples()]

    def classify(title):
        t = " " + re.sub("[^a-z0-9&]+", " ", title.lower()) + " "
        dep = next((v for f, v, rx in compiled if f == "department" and rx.search(t)), "other")
        sen = next((v for f, v, rx in compiled if f == "seniority" and rx.search(t)), "staff")
        return dep, sen

    titles = {t: classify(t) for t in people["job_title"].dropna().unique()}
    people["department"] = people["job_title"].map(lambda t: titles[t][0] if isinstance(t, str) else "other")
    people["seniority"] = people["job_title"].map(lambda t: titles[t][1] if isinstance(t, str) else "staff")
    pr = people[(people["department"] == "finance") & people["seniority"].isin(["director", "c_level"])].copy()

    # derived work emails, email types, subject keys
    fn, ln = name_token(pr["first_name"]), name_token(pr["last_name"])
    pat = pr["email_pattern"].fillna("")
    guess = [
        (pt.replace("{first}", f).replace("{last}", l).replace("{f}", f[:1]).replace("{l}", l[:1]) + "@" + d)
        for pt, f, l, d in zip(pat, fn, ln, pr["company_domain"])
    ]
    from_pattern = pr["email_raw"].isna() & (pat != "") & (fn != "") & (ln != "")
    pr["email_norm"] = [norm_email(r) if isinstance(r, str) else (norm_email(g) if fp else None)
                        for r, g, fp in zip(pr["email_raw"], guess, from_pattern)]
    pr["from_pattern"] = from_pattern
    pr = pr[pr["email_norm"].notna() | pr["email_raw"].notna()]
    pr["email"] = pr["email_norm"].fillna(pr["email_raw"].str.lower())
    pr["email_type"] = pr["email_norm"].map(email_type)
    pr["subject_key"] = pr["email"].map(sha)
    pr["country"] = pr["company_country"].fillna(pr["person_country"])
    pr["individual"] = pr["company_type"].isin(["sole_trader", "partnership"]) | (pr["email_type"] == "free_webmail")

    # one row per subject
    pr["_missing"] = pr[["first_name", "last_name", "job_title", "phone_raw", "linkedin_url"]].isna().sum(axis=1)
    pr = pr.sort_values(["subject_key", "from_pattern", "_missing", "first_name", "last_name", "job_title",
                         "phone_raw", "linkedin_url"], kind="stable").drop_duplicates("subject_key")

    # suppression: email hashes, domains (company and email domain), phones
    unsub = set(rd("unsubscribes.csv")["email"].map(norm_email).dropna().map(sha))
    blocked = set(rd("blocked_domains.csv")["domain"].map(norm_domain).dropna())
    ctps = set(rd("ctps.csv")["phone"].map(lambda x: crude_phone(x, "GB")).dropna())
    pr = pr[~pr["subject_key"].isin(unsub)
            & ~pr["company_domain"].isin(blocked)
            & ~pr["email"].str.split("@").str[-1].isin(blocked)]
    phone = [crude_phone(x, c) for x, c in zip(pr["phone_raw"], pr["person_country"].fillna(pr["country"]))]
    pr["phone"] = [None if ph in ctps else ph for ph in phone]

    # export: the campaign's columns, its regions, corporate personal emails only
    out = pr[pr["country"].isin(["GB", "IE"]) & ~pr["individual"] & (pr["email_type"] == "personal")]
    cols = ["subject_key", "first_name", "last_name", "job_title", "email", "company_name", "company_domain", "country"]
    out = out[cols].sort_values(["country", "subject_key"])
    shutil.rmtree(a.out, ignore_errors=True)
    parquet = True
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        try:
            import fastparquet  # noqa: F401
        except ImportError:
            parquet = False
    for country, part in out.groupby("country"):
        d = os.path.join(a.out, "country=" + country)
        os.makedirs(d, exist_ok=True)
        part = part.drop(columns="country")
        if parquet:
            part.to_parquet(os.path.join(d, "part-0.parquet"), compression="zstd", index=False)
        else:
            part.to_csv(os.path.join(d, "part-0.csv"), index=False)
    json.dump({"exported": int(len(out)), "format": "parquet" if parquet else "csv"}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
