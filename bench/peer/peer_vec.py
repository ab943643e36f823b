#!/usr/bin/env python3
"""The vectorised peer: the nightly prospect job as a pandas script written
with vectorised string methods, merge and isin, and no per-row Python
normalisers (only the derived work emails and the final subject_key hashes
are built row by row). Beside bench/peer/peer.py, which re-implements the
pipeline's normalisers row by row.

    python3 bench/peer/peer_vec.py --data DIR --out DIR [--rules sql] [--lists pipeline/normalize/lists]

Normalisation is the plain kind (bench/plainfloor/plain.sql does the same
in SQL): domains and emails trimmed, lower-cased, stripped of scheme, www,
path and port with regular expressions and checked with one pattern; the
rule and list files are read as data. Writes Parquet when pyarrow or
fastparquet imports, CSV otherwise (Debian ships no python3-pyarrow).
Prints {"exported": N, "format": ...} as JSON.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import warnings

import numpy as np
import pandas as pd

HOST = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z][a-z0-9-]*[a-z0-9]"
ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
# the rule tables' patterns group alternatives; only whether they match counts
warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
EMAIL = ATOM + r"(?:\." + ATOM + r")*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"


def blank(s):
    """nullif(trim(s), '') on a string column."""
    s = s.str.strip(" ")
    return s.where(s != "")


def norm_domain(s):
    d = (s.str.strip(" ").str.lower()
         .str.replace(r"^(?:mailto:|[a-z][a-z0-9+.-]*://|//)", "", regex=True)
         .str.replace(r"[/?#\\].*$", "", regex=True)
         .str.replace(r"^.*@|:[0-9]*$", "", regex=True)
         .str.replace(r"^www\.|\.$", "", regex=True))
    return d.where(d.str.fullmatch(HOST).fillna(False).astype(bool))


def norm_email(s):
    e = s.str.strip(" ").str.lower()
    return e.where(e.str.fullmatch(EMAIL).fillna(False).astype(bool))


def norm_phone(s, cc):
    d = s.str.replace("(0)", "", regex=False).str.replace(r"[^0-9+]", "", regex=True)
    d = pd.Series(np.select(
        [d.str.startswith("00").fillna(False),
         d.str.startswith("0").fillna(False) & (cc == "IE"),
         d.str.startswith("0").fillna(False) & cc.fillna("GB").eq("GB")],
        ["+" + d.str[2:], "+353" + d.str[1:], "+44" + d.str[1:]], default=d), index=s.index, dtype=object)
    return d.where(d.str.fullmatch(r"\+[1-9][0-9]{6,14}").fillna(False).astype(bool))


def read_list(path):
    s = pd.read_csv(path, header=None, names=["v"], dtype=str, sep="\t", quoting=3, comment="#",
                    skip_blank_lines=True, keep_default_na=False)["v"]
    s = s.str.strip().str.lower()
    return set(s[s != ""])


def first_rule(values, rules, default):
    """The value of the lowest-priority rule whose pattern matches, per distinct value."""
    out = pd.Series(default, index=values.index, dtype=object)
    done = pd.Series(False, index=values.index)
    for r in rules.itertuples():
        hit = ~done & values.str.contains(r.pattern, regex=True)
        out[hit] = r.value
        done |= hit
    return out


def words(s):
    return " " + s.fillna("").str.lower().str.replace(r"[^a-z0-9&]+", " ", regex=True).str.strip() + " "


def name_letters(s):
    s = s.fillna("").str.translate(str.maketrans("łŁøØđĐßæÆ", "lLoOdDsaA"))
    s = s.str.normalize("NFD").str.encode("ascii", "ignore").str.decode("ascii")
    return s.str.lower().str.replace("[^a-z]", "", regex=True)


def companies(a, rd):
    c = rd("companies.csv")
    comp = pd.DataFrame({
        "domain": norm_domain(c["website"]),
        "name": blank(c["company_name"]),
        "employees": pd.to_numeric(c["employees"].str.strip(" ").str.replace(",", "").str.replace("_", ""),
                                   errors="coerce").astype("Int64"),
        "country": blank(c["country"].str.upper()),
        "email_pattern": blank(c["email_pattern"].str.lower()),
        "company_type": blank(c["company_type"]),
    })
    comp = comp[comp["domain"].notna()]
    comp["_missing"] = comp[["name", "employees", "country", "email_pattern"]].isna().sum(axis=1)
    comp = comp.sort_values(["_missing", "name", "employees", "country", "email_pattern", "company_type"], kind="stable")
    comp = comp.drop_duplicates("domain").drop(columns="_missing")
    t = comp[comp["country"].isin(["GB", "IE"]) & (comp["employees"] >= 50)].copy()

    # PECR subscriber type: company_type, else the name's legal suffix; unknown when no rule decides
    rules = pd.read_csv(os.path.join(a.rules, "company_type_rules.csv"), dtype=str, keep_default_na=False)
    rules["priority"] = rules["priority"].astype(int)
    rules = rules.sort_values(["priority", "form"], kind="stable").rename(columns={"subscriber": "value"})
    typed = t["company_type"].notna()
    t["_key"] = np.where(typed, words(t["company_type"]), words(t["name"]))
    t["_col"] = np.where(typed, "company_type", "name")
    subs = []
    for col, grp in t.groupby("_col"):
        u = pd.Series(grp["_key"].unique())
        subs.append(pd.DataFrame({"_col": col, "_key": u,
                                  "subscriber": first_rule(u, rules[rules["column"] == col], "unknown")}))
    t = t.merge(pd.concat(subs), on=["_col", "_key"], how="left").drop(columns=["_col", "_key"])
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rules", default="sql")
    ap.add_argument("--lists", default="pipeline/normalize/lists")
    a = ap.parse_args()
    rd = lambda name: pd.read_csv(os.path.join(a.data, name), dtype=str, keep_default_na=False, na_values=[])
    target = companies(a, rd)

    # people at target companies
    p = rd("people.csv")
    dom_raw = blank(p["company_domain"]).fillna(p["email"].str.split("@").str[1].fillna(""))
    u = pd.Series(dom_raw.unique())
    dmap = pd.DataFrame({"_dom_raw": u, "company_domain": norm_domain(u)})
    people = pd.DataFrame({
        "first_name": blank(p["first_name"]), "last_name": blank(p["last_name"]),
        "email_raw": blank(p["email"]), "job_title": blank(p["job_title"]),
        "phone_raw": blank(p["phone"]), "linkedin_url": blank(p["linkedin_url"]),
        "person_country": blank(p["country"].str.upper()), "_dom_raw": dom_raw,
    })
    del p
    people = people.merge(dmap, on="_dom_raw").drop(columns="_dom_raw")
    people = people.merge(target.rename(columns={"domain": "company_domain", "name": "company_name",
                                                 "country": "company_country"}), on="company_domain")

    # department and seniority per distinct job title
    rules = pd.read_csv(os.path.join(a.rules, "title_rules.csv"), dtype=str, keep_default_na=False)
    rules["priority"] = rules["priority"].astype(int)
    rules = rules.sort_values("priority", kind="stable")
    titles = pd.Series(people["job_title"].dropna().unique())
    tw = words(titles)
    tmap = pd.DataFrame({"job_title": titles,
                         "department": first_rule(tw, rules[rules["field"] == "department"], "other"),
                         "seniority": first_rule(tw, rules[rules["field"] == "seniority"], "staff")})
    pr = people.merge(tmap, on="job_title")
    pr = pr[(pr["department"] == "finance") & pr["seniority"].isin(["director", "c_level"])].copy()

    # derived work emails (row by row: the one per-row step), email types
    fn, ln = name_letters(pr["first_name"]), name_letters(pr["last_name"])
    pat = pr["email_pattern"].fillna("")
    from_pattern = pr["email_raw"].isna() & (pat != "") & (fn != "") & (ln != "")
    guess = pd.Series([
        pt.replace("{first}", f).replace("{last}", l).replace("{f}", f[:1]).replace("{l}", l[:1]) + "@" + d
        if fp else None
        for pt, f, l, d, fp in zip(pat, fn, ln, pr["company_domain"], from_pattern)
    ], index=pr.index, dtype=object)
    pr = pr[pr["email_raw"].notna() | from_pattern].copy()
    pr["from_pattern"] = pr["email_raw"].isna()
    pr["email_norm"] = norm_email(pr["email_raw"].fillna(guess[pr.index]))
    pr["email"] = pr["email_norm"].fillna(pr["email_raw"].str.lower())
    pr["country"] = pr["company_country"].fillna(pr["person_country"])

    # one row per subject (subject_key is a function of the email)
    pr["_missing"] = pr[["first_name", "last_name", "job_title", "phone_raw", "linkedin_url"]].isna().sum(axis=1)
    pr = pr.sort_values(["email", "from_pattern", "_missing", "first_name", "last_name", "job_title",
                         "phone_raw", "linkedin_url"], kind="stable").drop_duplicates("email")

    # suppression: emails, domains (company and email domain), phones (blanked)
    unsub = norm_email(rd("unsubscribes.csv")["email"]).dropna()
    blocked = norm_domain(rd("blocked_domains.csv")["domain"]).dropna()
    ctps_raw = rd("ctps.csv")["phone"]
    ctps = norm_phone(ctps_raw, pd.Series("GB", index=ctps_raw.index)).dropna()
    email_domain = pr["email_norm"].str.split("@").str[-1]
    pr = pr[~pr["email"].isin(unsub) & ~pr["company_domain"].isin(blocked) & ~email_domain.isin(blocked)].copy()
    phone = norm_phone(pr["phone_raw"], pr["person_country"].fillna(pr["country"]))
    pr["phone"] = phone.where(~phone.isin(ctps))

    # export: corporate subscribers with a personal work email, the campaign's regions
    local = pr["email_norm"].str.split("@").str[0].str.split("+").str[0]
    domain = pr["email_norm"].str.split("@").str[-1]
    personal = (pr["email_norm"].notna() & (local != "") & ~local.isin(read_list(os.path.join(a.lists, "role_based_email_addresses.txt")))
                & ~domain.isin(read_list(os.path.join(a.lists, "free_email_domains.txt")))
                & ~domain.isin(read_list(os.path.join(a.lists, "disposable_email_domains.txt"))))
    out = pr[pr["country"].isin(["GB", "IE"]) & (pr["subscriber"] == "corporate") & personal].copy()
    out["subject_key"] = [hashlib.sha256(e.encode()).hexdigest() for e in out["email"]]
    cols = ["subject_key", "first_name", "last_name", "job_title", "email", "company_name", "company_domain", "country"]
    out = out[cols].sort_values(["country", "subject_key"])
    write(out, a.out)


def write(out, dest):
    shutil.rmtree(dest, ignore_errors=True)
    parquet = True
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        try:
            import fastparquet  # noqa: F401
        except ImportError:
            parquet = False
    for country, part in out.groupby("country"):
        d = os.path.join(dest, "country=" + country)
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
