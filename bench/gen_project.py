#!/usr/bin/env python3
"""Generate a realistic, valid migc project for benchmarking.

    python3 bench/gen_project.py --migrations N --out DIR [--seed S]
                                 [--branchy] [--single-file] [--stats]

Writes N migrations (one per file, DIR/00001_<name>.mig, or all of them in
DIR/all.mig with --single-file) in the syntax of the language spec
(sections 3, 5 and 6) and prints one summary line: migrations, lines, bytes.

The generator replays every schema change it emits on its own model of the
schema, so that each migration is valid at the point where it runs: every
table, column, index and constraint it names exists, names are unique
(index and constraint names are kept unique across the whole schema, which
also avoids PostgreSQL's shared relation namespace), foreign keys point at
primary keys of the same type, check expressions and defaults are typed
correctly, defaults and backfills satisfy the column's checks, `set not null`
follows an update that fills the NULLs, a new check follows an update that
fixes the rows it would reject (or is on a column added in the same
migration), a dropped column is used by no index or constraint, and a dropped
table is referenced by no other table.

About 40% of the migrations carry a `down` block that is the exact inverse of
`up`. Migrations whose `up` changes existing data, drops data or narrows a
domain never get one.

Dependencies are a linear chain by default. With --branchy the history is a
wide DAG: a trunk forks into 2..8 parallel branches that merge back in a
single migration; during a fork every table is owned by at most one branch
and a branch touches (and references) only its own tables, so no two
unordered migrations touch the same table. The last migration is the only
head.

Standard library only; the output depends only on the arguments (--seed).
"""

import argparse
import os
import random
import re
import sys

MAX_IDENT = 63  # PostgreSQL truncates longer identifiers

AUTHORS = [
    "ana@example.com", "bo@example.com", "chen@example.com",
    "dmitri@example.com", "eve@example.com", "farah@example.com",
    "gus@example.com", "hana@example.com", "ivan@example.com",
    "jules@example.com",
]

# Words that are keywords somewhere in the language; generated identifiers
# never use them (soft keywords would parse, but a real team avoids them).
RESERVED = set("""
migration requires author description irreversible up down create table drop
rename to add column alter type using set not null default index unique
concurrently on where constraint check foreign key references primary identity
valid update delete from insert into values sql dialect cascade restrict no
action asc desc and or is in between like case when then else end cast as true
false current_date smallint int integer bigint decimal numeric real float
double precision bool boolean text varchar char bytes date time timestamp
timestamptz uuid json order user group
""".split())

# ---------------------------------------------------------------------------
# Column vocabulary.
#
# A category says what a column's values look like: which single-column
# check constraints make sense (each as (expression, its negation, name
# suffix), with {c} for the column), which defaults are allowed, and the
# "safe" value used by backfills.  Every default and the safe value satisfy
# every check of the category, so defaults and backfills never break a
# constraint.

CATS = {
    "count": dict(checks=[("{c} >= 0", "{c} < 0", "nonneg"),
                          ("{c} between 0 and 10000", "{c} not between 0 and 10000", "range")],
                  dflt=["0"], safe="0"),
    "rating": dict(checks=[("{c} between 1 and 5", "{c} not between 1 and 5", "range")],
                   dflt=["3"], safe="3"),
    "prio": dict(checks=[("{c} between 0 and 10", "{c} not between 0 and 10", "range")],
                 dflt=["0", "5"], safe="0"),
    "money": dict(checks=[("{c} >= 0", "{c} < 0", "nonneg")], dflt=["0"], safe="0"),
    "pct": dict(checks=[("{c} between 0 and 100", "{c} not between 0 and 100", "range")],
                dflt=["0"], safe="0"),
    "lat": dict(checks=[("{c} between -90 and 90", "{c} not between -90 and 90", "range")],
                dflt=[], safe="0"),
    "lon": dict(checks=[("{c} between -180 and 180", "{c} not between -180 and 180", "range")],
                dflt=[], safe="0"),
    "ratio": dict(checks=[("{c} between 0 and 1", "{c} not between 0 and 1", "range")],
                  dflt=["0", "1"], safe="0"),
    "real": dict(checks=[], dflt=["0"], safe="0"),
    "bool": dict(checks=[], dflt=["false", "true"], safe="false"),
    "text": dict(checks=[("length({c}) <= 10000", "length({c}) > 10000", "len")],
                 dflt=["''"], safe="''"),
    "name": dict(checks=[("{c} <> ''", "{c} = ''", "nonempty"),
                         ("length({c}) >= 1", "length({c}) < 1", "len")],
                 dflt=[], safe="'unknown'"),
    "slug": dict(checks=[("{c} = lower({c})", "{c} <> lower({c})", "lower")],
                 dflt=[], safe="'unknown'", unique_ok=True),
    "email": dict(checks=[("{c} like '%@%'", "{c} not like '%@%'", "format")],
                  dflt=[], safe="'unknown@example.com'", unique_ok=True),
    "phone": dict(checks=[], dflt=["''"], safe="''"),
    "code": dict(checks=[("{c} = upper({c})", "{c} <> upper({c})", "upper")],
                 dflt=[], safe="'NONE'", unique_ok=True),
    "enum": dict(checks=[], dflt=[], safe=None),       # filled per column
    "char": dict(checks=[], dflt=[], safe=None),       # filled per column
    "date": dict(checks=[], dflt=["current_date"], safe="current_date"),
    "date_nod": dict(checks=[], dflt=[], safe=None),
    "tstz_now": dict(checks=[], dflt=["now()"], safe="now()"),
    "tstz": dict(checks=[], dflt=[], safe=None),
    "ts": dict(checks=[], dflt=[], safe=None),
    "time": dict(checks=[], dflt=[], safe=None),
    "uuid": dict(checks=[], dflt=[], safe=None, unique_ok=True),
    "json": dict(checks=[], dflt=[], safe=None, noindex=True),
    "bytes": dict(checks=[], dflt=[], safe=None, noindex=True),
    "range": dict(checks=[], dflt=[], safe=None),      # start/end pairs
    "key": dict(checks=[], dflt=[], safe=None),        # pk / fk columns
    "lookup": dict(checks=[], dflt=[], safe=None),     # lookup code/label
}

# (name, type, category[, enum values or char default])
POOL = [
    ("qty", "int", "count"), ("quantity", "int", "count"),
    ("sort_rank", "int", "count"), ("retry_count", "int", "count"),
    ("score", "int", "count"), ("attempts", "smallint", "count"),
    ("view_count", "bigint", "count"), ("size_bytes", "bigint", "count"),
    ("amount_cents", "bigint", "count"), ("duration_secs", "int", "count"),
    ("stock_level", "int", "count"), ("seats", "smallint", "count"),
    ("rating", "smallint", "rating"), ("priority", "smallint", "prio"),
    ("price", "decimal(10,2)", "money"), ("total", "decimal(12,2)", "money"),
    ("balance", "decimal(14,2)", "money"), ("discount_pct", "decimal(5,2)", "pct"),
    ("weight_kg", "decimal(8,3)", "money"),
    ("latitude", "double", "lat"), ("longitude", "double", "lon"),
    ("ratio", "real", "ratio"), ("confidence", "double", "ratio"),
    ("temperature", "real", "real"),
    ("is_active", "bool", "bool"), ("is_archived", "bool", "bool"),
    ("is_verified", "bool", "bool"), ("is_public", "bool", "bool"),
    ("is_enabled", "bool", "bool"), ("is_default", "bool", "bool"),
    ("description", "text", "text"), ("notes", "text", "text"),
    ("body", "text", "text"), ("summary", "text", "text"), ("bio", "text", "text"),
    ("title", "varchar(200)", "name"), ("name", "varchar(100)", "name"),
    ("display_name", "varchar(100)", "name"), ("label", "varchar(80)", "name"),
    ("first_name", "varchar(50)", "name"), ("last_name", "varchar(50)", "name"),
    ("city", "varchar(80)", "name"), ("company_name", "varchar(120)", "name"),
    ("slug", "varchar(120)", "slug"), ("handle", "varchar(60)", "slug"),
    ("email", "varchar(255)", "email"), ("billing_email", "varchar(255)", "email"),
    ("phone", "varchar(32)", "phone"),
    ("code", "varchar(32)", "code"), ("sku", "varchar(40)", "code"),
    ("ref_code", "varchar(64)", "code"),
    ("status", "varchar(20)", "enum", ["active", "inactive", "archived"]),
    ("state", "varchar(20)", "enum", ["draft", "published", "retired"]),
    ("channel", "varchar(16)", "enum", ["email", "sms", "push", "web"]),
    ("visibility", "varchar(16)", "enum", ["private", "team", "public"]),
    ("tier", "varchar(24)", "enum", ["standard", "premium", "internal"]),
    ("country_code", "char(2)", "char", "US"), ("currency", "char(3)", "char", "USD"),
    ("locale", "char(5)", "char", "en_US"),
    ("avatar", "bytes", "bytes"), ("signature", "bytes", "bytes"),
    ("thumbnail", "bytes", "bytes"),
    ("birth_date", "date", "date_nod"), ("due_date", "date", "date"),
    ("ship_date", "date", "date"), ("effective_on", "date", "date"),
    ("opens_at", "time", "time"), ("closes_at", "time", "time"),
    ("created_at", "timestamptz", "tstz_now"), ("updated_at", "timestamptz", "tstz_now"),
    ("deleted_at", "timestamptz", "tstz"), ("published_at", "timestamptz", "tstz"),
    ("expires_at", "timestamptz", "tstz"), ("last_seen_at", "timestamptz", "tstz_now"),
    ("archived_at", "timestamptz", "tstz"),
    ("imported_at", "timestamp", "ts"), ("synced_at", "timestamp", "ts"),
    ("public_id", "uuid", "uuid"), ("external_id", "uuid", "uuid"),
    ("api_token", "uuid", "uuid"),
    ("metadata", "json", "json"), ("settings", "json", "json"),
    ("attributes", "json", "json"), ("payload", "json", "json"),
]
POOL_BY_NAME = {p[0]: p for p in POOL}

RANGE_PAIRS = [("starts_at", "ends_at", "timestamptz", "period"),
               ("valid_from", "valid_until", "date", "validity")]

COLUMN_RENAMES = {
    "qty": "quantity", "quantity": "qty", "notes": "internal_notes",
    "title": "headline", "body": "content", "email": "email_address",
    "phone": "phone_number", "price": "unit_price", "total": "total_amount",
    "is_active": "active", "description": "details", "summary": "abstract",
    "name": "full_name", "display_name": "nickname", "code": "short_code",
    "sku": "product_code", "status": "lifecycle", "score": "points",
    "bio": "about", "city": "town", "rating": "stars", "priority": "urgency",
    "settings": "preferences", "metadata": "extra", "due_date": "deadline",
    "attempts": "tries", "label": "caption", "handle": "username",
    "slug": "permalink", "balance": "balance_amount", "tier": "plan_tier",
    "visibility": "audience", "payload": "data", "ratio": "share",
    "is_public": "publicly_visible", "view_count": "views",
    "created_at": "inserted_at", "updated_at": "modified_at",
    "deleted_at": "removed_at", "published_at": "released_at",
    "expires_at": "expiry_at", "last_seen_at": "last_active_at",
    "archived_at": "retired_at", "imported_at": "loaded_at",
    "synced_at": "last_synced_at", "public_id": "public_uuid",
    "external_id": "external_ref", "api_token": "access_token",
    "attributes": "props", "sort_rank": "display_order",
    "retry_count": "retries", "size_bytes": "byte_size",
    "amount_cents": "amount_minor", "duration_secs": "duration_seconds",
    "stock_level": "on_hand", "seats": "seat_count",
    "discount_pct": "discount_percent", "weight_kg": "weight",
    "latitude": "lat", "longitude": "lng", "confidence": "confidence_score",
    "temperature": "temp_celsius", "is_archived": "archived",
    "is_verified": "verified", "is_enabled": "enabled",
    "is_default": "is_primary", "first_name": "given_name",
    "last_name": "family_name", "company_name": "organization_name",
    "billing_email": "invoice_email", "ref_code": "reference_code",
    "state": "workflow_state", "channel": "delivery_channel",
    "country_code": "country", "currency": "currency_code",
    "locale": "language_tag", "avatar": "avatar_image",
    "signature": "signature_blob", "thumbnail": "preview_image",
    "birth_date": "date_of_birth", "ship_date": "shipped_on",
    "effective_on": "effective_date", "opens_at": "opening_time",
    "closes_at": "closing_time", "starts_at": "begins_at",
    "ends_at": "finishes_at", "valid_from": "effective_from",
    "valid_until": "effective_until", "role": "membership_role",
}
for _old, _new in list(COLUMN_RENAMES.items()):
    COLUMN_RENAMES.setdefault(_new, _old)    # renaming back happens too

NOUNS = [
    "users", "orgs", "teams", "projects", "tasks", "comments", "invoices",
    "invoice_lines", "payments", "customers", "products", "orders",
    "order_items", "shipments", "warehouses", "suppliers", "categories",
    "tags", "articles", "pages", "events", "tickets", "messages",
    "notifications", "subscriptions", "plans", "coupons", "reviews",
    "addresses", "contacts", "leads", "deals", "campaigns", "documents",
    "folders", "attachments", "devices", "sensors", "readings", "employees",
    "departments", "contracts", "vendors", "assets", "locations", "regions",
    "courses", "lessons", "enrollments", "quizzes", "sessions", "api_keys",
    "webhooks", "audit_entries", "reports", "dashboards", "widgets",
    "schedules", "bookings", "rooms", "vehicles", "routes", "drivers",
    "carts", "wishlists", "refunds", "ledgers", "accounts", "budgets",
    "forecasts", "surveys", "responses", "batches", "jobs", "releases",
    "licenses", "certificates", "payouts", "disputes", "channels",
]
PREFIXES = [
    "billing_", "crm_", "shop_", "hr_", "cms_", "auth_", "ops_", "mkt_",
    "fin_", "inv_", "lms_", "geo_", "iot_", "sup_", "core_", "pay_",
    "ship_", "legal_", "data_", "ml_",
]
LOOKUP_NOUNS = [
    "order_statuses", "payment_methods", "ticket_priorities",
    "shipping_carriers", "countries", "languages", "roles", "permissions",
    "plan_tiers", "event_types", "document_kinds", "lead_sources",
    "industries", "units", "currencies", "task_kinds", "tax_classes",
    "return_reasons", "skill_levels", "device_models",
]
LOOKUP_CODES = [
    "pending", "active", "closed", "archived", "draft", "review", "approved",
    "rejected", "low", "medium", "high", "urgent", "basic", "pro",
    "enterprise", "email", "sms", "push", "card", "bank", "cash", "other",
    "standard", "express", "overnight", "pickup", "returned", "lost",
]
JOIN_ROLES = ["member", "owner", "viewer"]
FK_ROLE_PREFIXES = ["owner_", "parent_", "primary_", "source_", "target_",
                    "assigned_", "created_by_", "billing_", "default_"]


def sq(s):
    """A string literal."""
    return "'" + s.replace("'", "''") + "'"


def singular(word):
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "uses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def strip_prefix(name):
    for p in PREFIXES:
        if name.startswith(p):
            return name[len(p):]
    return name


# ---------------------------------------------------------------------------
# Model.

class Col:
    __slots__ = ("name", "type", "cat", "notnull", "default", "identity", "pk",
                 "uses", "refd", "uniq", "checks", "fk", "fk_target", "role",
                 "enum", "safe", "dflts", "table", "alive")

    def __init__(self, name, type_, cat, enum=None, safe=None, dflts=None):
        self.name = name
        self.type = type_
        self.cat = cat
        self.notnull = False
        self.default = None      # rendered expression or None
        self.identity = False
        self.pk = False
        self.uses = 0            # constraints and indexes of its table using it
        self.refd = 0            # foreign keys pointing at it
        self.uniq = 0            # unique constraints/indexes covering it
        self.checks = []         # single-column check constraints
        self.fk = None           # the foreign key constraint on it
        self.fk_target = None    # table it logically references without a constraint
        self.role = None         # "code" / "label" in lookup tables
        self.enum = enum
        info = CATS[cat]
        self.safe = safe if safe is not None else info["safe"]
        self.dflts = dflts if dflts is not None else list(info["dflt"])
        self.table = None
        self.alive = True

    def check_templates(self):
        if self.cat == "enum":
            vals = ", ".join(sq(v) for v in self.enum)
            return [("{c} in (%s)" % vals, "{c} not in (%s)" % vals, "valid")]
        return CATS[self.cat]["checks"]

    def unique_ok(self):
        return CATS[self.cat].get("unique_ok", False)

    def indexable(self):
        return not CATS[self.cat].get("noindex", False)

    def is_int(self):
        return self.type in ("smallint", "int", "bigint")


class Con:
    __slots__ = ("name", "kind", "table", "cols", "expr", "ref_table",
                 "ref_cols", "cascade", "inline")

    def __init__(self, name, kind, table, cols, expr=None, ref_table=None,
                 ref_cols=None, cascade=False):
        self.name = name
        self.kind = kind          # pkey, unique, check, fk
        self.table = table
        self.cols = cols
        self.expr = expr          # token list for checks
        self.ref_table = ref_table
        self.ref_cols = ref_cols
        self.cascade = cascade


class Index:
    __slots__ = ("name", "table", "cols", "unique", "where")

    def __init__(self, name, table, cols, unique, where):
        self.name = name
        self.table = table
        self.cols = cols          # [(Col, desc)]
        self.unique = unique
        self.where = where        # token list or None


class Table:
    __slots__ = ("name", "kind", "cols", "cons", "indexes", "refd_by",
                 "owner", "alive", "next_id", "codes", "born")

    def __init__(self, name, kind):
        self.name = name
        self.kind = kind          # entity, lookup, join
        self.cols = []
        self.cons = []
        self.indexes = []
        self.refd_by = []         # fk constraints (of any table) pointing here
        self.owner = None         # branch id while a fork is open
        self.alive = True
        self.next_id = 1
        self.codes = []
        self.born = 0

    def col(self, name):
        for c in self.cols:
            if c.name == name:
                return c
        return None

    def pk_col(self):
        pks = [c for c in self.cols if c.pk]
        return pks[0] if len(pks) == 1 else None


def toks(pattern, col):
    """Expression pattern with {c} -> token list (strings and Col objects)."""
    parts = pattern.split("{c}")
    out = []
    for i, p in enumerate(parts):
        if i:
            out.append(col)
        if p:
            out.append(p)
    return out


STMT_TABLE = re.compile(
    r"^(?:create table (\w+)|add column (\w+)\.|create (?:unique )?index \w+ on (\w+)"
    r"|add constraint \w+ on (\w+)|update (\w+) |insert into (\w+)"
    r"|rename column (\w+)\.|rename table \w+ to (\w+)|alter column (\w+)\."
    r"|drop constraint \w+ on (\w+)|drop column (\w+)\.)")


def stmt_table(stmt):
    """The table a statement works on (None for drop index / drop table)."""
    mt = STMT_TABLE.match(stmt)
    if not mt:
        return None
    for g in mt.groups():
        if g:
            return g
    return None


def render(tokens):
    return "".join(t if isinstance(t, str) else t.name for t in tokens)


def tok_cols(tokens):
    out = []
    for t in tokens or ():
        if not isinstance(t, str) and t not in out:
            out.append(t)
    return out


class Mig:
    """One migration being built: up statements and their inverses."""

    def __init__(self):
        self.up = []
        self.inv = []
        self.invertible = True
        self.irreversible = None
        self.new_cols = []        # columns added by this migration
        self.new_tables = []
        self.ops = []             # operation kinds, for --stats

    def add(self, stmt, inverse, kind):
        self.up.append(stmt)
        self.inv.append(inverse)
        if inverse is None:
            self.invertible = False
        self.ops.append(kind)


# ---------------------------------------------------------------------------
# Generator.

WEIGHTS = [
    ("create_table", 13.0), ("create_lookup", 1.2), ("insert_lookup", 2.5),
    ("add_column", 18.0), ("create_index", 10.0), ("add_check", 4.5),
    ("add_fk", 2.5), ("rename_column", 5.0), ("rename_table", 2.0),
    ("set_default", 4.0), ("drop_default", 2.0), ("set_not_null", 5.0),
    ("drop_not_null", 2.0), ("widen_type", 3.5), ("drop_index", 3.5),
    ("drop_constraint", 3.0), ("backfill", 4.0), ("drop_column", 3.0),
    ("drop_table", 1.2),
]
# Follow-up operations on the same table, added to some migrations.
FOLLOWUPS = ["create_index", "add_column", "set_default", "backfill",
             "rename_column", "add_check", "drop_index"]


class Gen:
    def __init__(self, seed, branchy):
        self.rng = random.Random(seed)
        self.branchy = branchy
        self.tables = []          # live tables in creation order
        self.names = set()        # every table/index/constraint name ever used
        self.mig_names = set()
        self.softrefs = []        # columns with fk_target and no constraint
        self.branch = None        # current branch id during a fork
        self.stats = {}
        self.downs = 0
        self.count = 0
        self.weights_total = sum(w for _, w in WEIGHTS)
        nouns = list(NOUNS)
        self.rng.shuffle(nouns)
        combos = [p + n for p in PREFIXES for n in NOUNS]
        self.rng.shuffle(combos)
        self.table_names = nouns + combos
        self.table_name_pos = 0
        lk = list(LOOKUP_NOUNS)
        self.rng.shuffle(lk)
        lk2 = [p + n for p in PREFIXES for n in LOOKUP_NOUNS]
        self.rng.shuffle(lk2)
        self.lookup_names = lk + lk2
        self.lookup_name_pos = 0
        self.numbered = 2

    # ---- names

    def fresh(self, base, suffix=""):
        """A globally unused relation/constraint name from base + suffix."""
        base = base[:MAX_IDENT - len(suffix) - 3]
        name = base + suffix
        k = 2
        while name in self.names or name in RESERVED:
            name = "%s%s%d" % (base, suffix, k)
            k += 1
        self.names.add(name)
        return name

    def fresh_table_name(self, lookup=False):
        lst = self.lookup_names if lookup else self.table_names
        while True:
            pos = self.lookup_name_pos if lookup else self.table_name_pos
            if pos < len(lst):
                if lookup:
                    self.lookup_name_pos += 1
                else:
                    self.table_name_pos += 1
                name = lst[pos]
            else:
                name = "%s_%d" % (self.rng.choice(lst), self.numbered)
                self.numbered += 1
            if name not in self.names:
                self.names.add(name)
                return name

    def fresh_mig_name(self, base):
        # migration names are identifiers too: keep them under 64 bytes
        if len(base) > 56:
            base = base[:56].rstrip("_")
        name = base
        k = 2
        while name in self.mig_names:
            name = "%s_%d" % (base, k)
            k += 1
        self.mig_names.add(name)
        return name

    def fresh_col_name(self, t, base):
        name = base
        k = 2
        while t.col(name) is not None or name in RESERVED:
            name = "%s_%d" % (base, k)
            k += 1
        return name

    # ---- scope and picking

    def owned(self, t):
        return t.alive and (self.branch is None or t.owner == self.branch)

    def pick_table(self, scope, pred, tries=14):
        n = len(scope)
        if n == 0:
            return None
        rng = self.rng
        for _ in range(tries):
            if rng.random() < 0.6:
                t = scope[rng.randrange(max(0, n - 40), n)]
            else:
                t = scope[rng.randrange(n)]
            if t.alive and pred(t):
                return t
        return None

    def referenceable(self, scope):
        return [t for t in scope[-60:] if t.alive and t.kind != "join"
                and t.pk_col() is not None]

    def ext_referenced(self, t):
        """Referenced by a table outside the current branch (only matters in a fork)."""
        if self.branch is None:
            return False
        for fk in t.refd_by:
            if fk.table is not t and (self.branch is None or fk.table.owner != self.branch):
                return True
        return False

    # ---- model bookkeeping

    def attach_con(self, t, con):
        t.cons.append(con)
        self.names.add(con.name)
        for c in con.cols:
            c.uses += 1
            if con.kind in ("unique", "pkey"):
                c.uniq += 1
        for c in tok_cols(con.expr):
            if c not in con.cols:
                c.uses += 1
        if con.kind == "check" and len(tok_cols(con.expr)) == 1:
            tok_cols(con.expr)[0].checks.append(con)
        if con.kind == "fk":
            con.ref_table.refd_by.append(con)
            for rc in con.ref_cols:
                rc.refd += 1
            con.cols[0].fk = con
            if con.cols[0].fk_target is not None:
                con.cols[0].fk_target = None

    def detach_con(self, t, con):
        t.cons.remove(con)
        for c in con.cols:
            c.uses -= 1
            if con.kind in ("unique", "pkey"):
                c.uniq -= 1
        for c in tok_cols(con.expr):
            if c not in con.cols:
                c.uses -= 1
        if con.kind == "check":
            for c in tok_cols(con.expr):
                if con in c.checks:
                    c.checks.remove(con)
        if con.kind == "fk":
            con.ref_table.refd_by.remove(con)
            for rc in con.ref_cols:
                rc.refd -= 1
            con.cols[0].fk = None

    def attach_index(self, t, ix):
        t.indexes.append(ix)
        self.names.add(ix.name)
        used = [c for c, _ in ix.cols]
        for c in tok_cols(ix.where):
            if c not in used:
                used.append(c)
        for c in used:
            c.uses += 1
        if ix.unique:
            for c, _ in ix.cols:
                c.uniq += 1

    def detach_index(self, t, ix):
        t.indexes.remove(ix)
        used = [c for c, _ in ix.cols]
        for c in tok_cols(ix.where):
            if c not in used:
                used.append(c)
        for c in used:
            c.uses -= 1
        if ix.unique:
            for c, _ in ix.cols:
                c.uniq -= 1

    def add_table(self, t, scope):
        t.owner = self.branch
        t.born = self.count
        self.tables.append(t)
        if scope is not self.tables:
            scope.append(t)

    def remove_table(self, t, scope):
        for con in list(t.cons):
            if con.kind == "fk":
                con.ref_table.refd_by.remove(con)
                for rc in con.ref_cols:
                    rc.refd -= 1
        t.alive = False
        for c in t.cols:
            c.alive = False
        self.tables.remove(t)
        if scope is not self.tables and t in scope:
            scope.remove(t)

    # ---- rendering helpers

    def index_stmt(self, ix):
        cols = ", ".join(c.name + (" desc" if d else "") for c, d in ix.cols)
        s = "create %sindex %s on %s (%s)" % ("unique " if ix.unique else "",
                                               ix.name, ix.table.name, cols)
        if ix.where:
            s += " where (%s)" % render(ix.where)
        return s + ";"

    def fk_stmt(self, con):
        s = "add constraint %s on %s foreign key (%s) references %s (%s)" % (
            con.name, con.table.name, con.cols[0].name, con.ref_table.name,
            con.ref_cols[0].name)
        if con.cascade:
            s += " on delete cascade"
        return s + ";"

    def new_col_from_pool(self, entry, t):
        name, type_, cat = entry[0], entry[1], entry[2]
        name = self.fresh_col_name(t, name)
        if cat == "enum":
            c = Col(name, type_, cat, enum=entry[3], safe=sq(entry[3][0]),
                    dflts=[sq(entry[3][0])])
        elif cat == "char":
            c = Col(name, type_, cat, safe=sq(entry[3]), dflts=[sq(entry[3])])
        else:
            c = Col(name, type_, cat)
        c.table = t
        return c

    def pool_choices(self, t, k, allow=None):
        have = set(c.name for c in t.cols)
        cands = [p for p in POOL if p[0] not in have
                 and (allow is None or p[2] in allow)]
        self.rng.shuffle(cands)
        return cands[:k]

    def partial_where(self, t, exclude=()):
        """A where clause for a partial index, or None."""
        opts = []
        for c in t.cols:
            if c in exclude or c.pk:
                continue
            if c.name == "deleted_at" or c.cat == "tstz" and c.name.endswith("archived_at"):
                opts.append([c, " is null"])
            elif c.cat == "bool":
                opts.append([c, " = true"])
            elif c.cat == "enum":
                opts.append([c, " = " + sq(c.enum[0])])
            elif not c.notnull and c.indexable() and c.cat != "key":
                opts.append([c, " is not null"])
        if not opts:
            return None
        return self.rng.choice(opts)

    # -----------------------------------------------------------------------
    # Operations.  Each returns (name, description) when it produced
    # statements into m, or None without touching the model.

    def op_create_table(self, m, scope):
        rng = self.rng
        refs = self.referenceable(scope)
        if len(refs) >= 2 and rng.random() < 0.12:
            return self.create_join_table(m, scope, refs)
        name = self.fresh_table_name()
        t = Table(name, "entity")
        defs = []    # column definition texts
        tcons = []   # table-level constraint texts

        def take_default(conname):
            if conname in self.names or len(conname) > MAX_IDENT:
                return False
            return True

        # primary key
        r = rng.random()
        if r < 0.8:
            pk = Col("id", "bigint", "key")
            pk.identity = True
        elif r < 0.95:
            pk = Col("id", "uuid", "key")
        else:
            pk = Col("id", "int", "key")
            pk.identity = True
        pk.pk = True
        pk.notnull = True
        pk.table = t
        t.cols.append(pk)
        pk_name = name + "_pkey"
        pk_inline = take_default(pk_name)
        if not pk_inline:
            pk_name = self.fresh(name, "_pk")
        cons = [Con(pk_name, "pkey", t, [pk])]
        text = "id %s" % pk.type
        if pk_inline:
            text += " primary key"
        else:
            text += " not null"
            tcons.append("constraint %s primary key (id)" % pk_name)
        if pk.identity:
            text += " identity"
        defs.append(text)
        self.names.add(pk_name)

        # foreign keys to earlier tables
        nfk = 0
        if refs:
            nfk = rng.choice([0, 1, 1, 1, 2, 2, 3]) if len(refs) > 2 else rng.choice([0, 1])
        targets = []
        for _ in range(nfk):
            tgt = rng.choice(refs)
            if tgt not in targets:
                targets.append(tgt)
        for tgt in targets:
            tpk = tgt.pk_col()
            base = singular(strip_prefix(tgt.name)) + "_id"
            if t.col(base) is not None:
                base = rng.choice(FK_ROLE_PREFIXES) + base
            cname = self.fresh_col_name(t, base)
            c = Col(cname, tpk.type, "key")
            c.table = t
            c.notnull = rng.random() < 0.6
            t.cols.append(c)
            cascade = rng.random() < 0.3
            fk_name = "%s_%s_fkey" % (name, cname)
            text = "%s %s%s" % (cname, c.type, " not null" if c.notnull else "")
            if take_default(fk_name):
                text += " references %s (%s)" % (tgt.name, tpk.name)
                if cascade:
                    text += " on delete cascade"
            else:
                fk_name = self.fresh(name + "_" + cname, "_fk")
                tc = "constraint %s foreign key (%s) references %s (%s)" % (
                    fk_name, cname, tgt.name, tpk.name)
                if cascade:
                    tc += " on delete cascade"
                tcons.append(tc)
            self.names.add(fk_name)
            cons.append(Con(fk_name, "fk", t, [c], ref_table=tgt, ref_cols=[tpk],
                            cascade=cascade))
            defs.append(text)

        # ordinary columns
        target_cols = rng.randint(5, 12)
        with_ts = rng.random() < 0.7
        nplain = max(2, target_cols - len(t.cols) - (2 if with_ts else 0))
        period = None
        if rng.random() < 0.12:
            period = rng.choice(RANGE_PAIRS)
            nplain = max(1, nplain - 2)
        for entry in self.pool_choices(t, nplain * 2):
            if nplain == 0:
                break
            if entry[2] in ("tstz_now",) and with_ts:
                continue
            if period and entry[0] in period[:2]:
                continue
            nplain -= 1
            c = self.new_col_from_pool(entry, t)
            t.cols.append(c)
            text = "%s %s" % (c.name, c.type)
            if c.dflts and rng.random() < 0.45:
                c.default = rng.choice(c.dflts)
                c.notnull = rng.random() < 0.7
            elif c.cat in ("name", "slug", "email", "code", "enum") and rng.random() < 0.5:
                c.notnull = True
            if c.notnull:
                text += " not null"
            if c.unique_ok() and rng.random() < 0.35:
                kn = "%s_%s_key" % (name, c.name)
                if take_default(kn):
                    text += " unique"
                else:
                    kn = self.fresh(name + "_" + c.name, "_uniq")
                    tcons.append("constraint %s unique (%s)" % (kn, c.name))
                self.names.add(kn)
                cons.append(Con(kn, "unique", t, [c]))
            if c.default is not None:
                text += " default " + c.default
            tmpls = c.check_templates()
            if tmpls and rng.random() < 0.3:
                tm = rng.choice(tmpls)
                expr = toks(tm[0], c)
                kn = "%s_%s_check" % (name, c.name)
                if take_default(kn) and rng.random() < 0.6:
                    text += " check (%s)" % render(expr)
                else:
                    kn = self.fresh("%s_%s_%s" % (name, c.name, tm[2]))
                    tcons.append("constraint %s check (%s)" % (kn, render(expr)))
                self.names.add(kn)
                cons.append(Con(kn, "check", t, [], expr=expr))
            defs.append(text)
        if period:
            lo = Col(self.fresh_col_name(t, period[0]), period[2], "range")
            hi = Col(self.fresh_col_name(t, period[1]), period[2], "range")
            for c in (lo, hi):
                c.table = t
                t.cols.append(c)
                defs.append("%s %s" % (c.name, c.type))
            kn = self.fresh(name, "_" + period[3] + "_chk")
            expr = [lo, " <= ", hi]
            tcons.append("constraint %s check (%s)" % (kn, render(expr)))
            cons.append(Con(kn, "check", t, [], expr=expr))
        if with_ts:
            for cname in ("created_at", "updated_at"):
                if t.col(cname) is not None:
                    continue
                c = self.new_col_from_pool(POOL_BY_NAME[cname], t)
                c.notnull = True
                c.default = "now()"
                t.cols.append(c)
                defs.append("%s %s not null default now()" % (c.name, c.type))
        # a composite unique key now and then
        fkcols = [c for c in t.cols if c.cat == "key" and not c.pk]
        slugs = [c for c in t.cols if c.cat in ("slug", "code", "name") and c.notnull]
        if fkcols and slugs and rng.random() < 0.3:
            a, b = fkcols[0], rng.choice(slugs)
            kn = self.fresh("%s_%s_%s" % (name, a.name, b.name), "_uniq")
            tcons.append("constraint %s unique (%s, %s)" % (kn, a.name, b.name))
            cons.append(Con(kn, "unique", t, [a, b]))

        body = ",\n  ".join(defs + tcons)
        stmt = "create table %s (\n  %s\n);" % (name, body)
        self.add_table(t, scope)
        for con in cons:
            self.attach_con(t, con)
        m.new_tables.append(t)
        m.add(stmt, "drop table %s;" % name, "create_table")

        # indexes on foreign keys and timestamps
        for c in fkcols:
            if rng.random() < 0.55:
                self.make_index(m, t, [(c, False)], False, None)
        if rng.random() < 0.3:
            cands = [c for c in t.cols if c.indexable() and not c.pk and c.cat != "key"]
            if cands:
                c = rng.choice(cands)
                where = self.partial_where(t, exclude=(c,)) if rng.random() < 0.3 else None
                desc = c.type.startswith("timestamp") and rng.random() < 0.5
                uniq = c.unique_ok() and c.uniq == 0 and rng.random() < 0.3
                self.make_index(m, t, [(c, desc)], uniq, where)
        return ("create_" + name, "Create %s" % name.replace("_", " "))

    def create_join_table(self, m, scope, refs):
        rng = self.rng
        a, b = rng.sample(refs, 2)
        base = "%s_%s" % (singular(strip_prefix(a.name)), strip_prefix(b.name))
        if base in self.names or base in RESERVED or len(base) > 40:
            name = self.fresh_table_name()
        else:
            name = base
            self.names.add(name)
        t = Table(name, "join")
        cols = []
        for tgt in (a, b):
            tpk = tgt.pk_col()
            c = Col(self.fresh_col_name(t, singular(strip_prefix(tgt.name)) + "_id"),
                    tpk.type, "key")
            c.table = t
            c.notnull = True
            c.pk = True
            t.cols.append(c)
            cols.append((c, tgt, tpk))
        defs = []
        cons = []
        for c, tgt, tpk in cols:
            fk_name = "%s_%s_fkey" % (name, c.name)
            cascade = rng.random() < 0.5
            text = "%s %s not null" % (c.name, c.type)
            if fk_name in self.names:
                fk_name = self.fresh(name + "_" + c.name, "_fk")
                extra = "constraint %s foreign key (%s) references %s (%s)%s" % (
                    fk_name, c.name, tgt.name, tpk.name,
                    " on delete cascade" if cascade else "")
                cons.append((Con(fk_name, "fk", t, [c], ref_table=tgt, ref_cols=[tpk],
                                 cascade=cascade), extra))
            else:
                text += " references %s (%s)%s" % (tgt.name, tpk.name,
                                                   " on delete cascade" if cascade else "")
                cons.append((Con(fk_name, "fk", t, [c], ref_table=tgt, ref_cols=[tpk],
                                 cascade=cascade), None))
            self.names.add(fk_name)
            defs.append(text)
        role = Col("role", "varchar(20)", "enum", enum=JOIN_ROLES, safe=sq(JOIN_ROLES[0]),
                   dflts=[sq(JOIN_ROLES[0])])
        role.table = t
        role.notnull = True
        role.default = sq(JOIN_ROLES[0])
        t.cols.append(role)
        defs.append("role varchar(20) not null default %s" % role.default)
        created = self.new_col_from_pool(POOL_BY_NAME["created_at"], t)
        created.notnull = True
        created.default = "now()"
        t.cols.append(created)
        defs.append("created_at timestamptz not null default now()")
        tcons = [x for _, x in cons if x]
        pk_name = name + "_pkey"
        if pk_name in self.names:
            pk_name = self.fresh(name, "_pk")
            tcons.append("constraint %s primary key (%s, %s)" % (pk_name, cols[0][0].name,
                                                                 cols[1][0].name))
        else:
            tcons.append("primary key (%s, %s)" % (cols[0][0].name, cols[1][0].name))
        self.names.add(pk_name)
        body = ",\n  ".join(defs + tcons)
        stmt = "create table %s (\n  %s\n);" % (name, body)
        self.add_table(t, scope)
        self.attach_con(t, Con(pk_name, "pkey", t, [cols[0][0], cols[1][0]]))
        for con, _ in cons:
            self.attach_con(t, con)
        m.new_tables.append(t)
        m.add(stmt, "drop table %s;" % name, "create_table")
        self.make_index(m, t, [(cols[1][0], False)], False, None)
        return ("create_" + name, "Join table between %s and %s" % (a.name, b.name))

    def make_index(self, m, t, cols, unique, where):
        base = "%s_%s" % (t.name, "_".join(c.name for c, _ in cols))
        if len(base) > 50:
            base = base[:50]
        name = self.fresh(base, "_uidx" if unique else "_idx")
        ix = Index(name, t, cols, unique, where)
        stmt = self.index_stmt(ix)
        self.attach_index(t, ix)
        m.add(stmt, "drop index %s;" % name, "create_index")
        return ix

    def op_create_lookup(self, m, scope):
        rng = self.rng
        name = self.fresh_table_name(lookup=True)
        t = Table(name, "lookup")
        idtype = rng.choice(["smallint", "smallint", "int"])
        pk = Col("id", idtype, "key")
        pk.pk = True
        pk.notnull = True
        code = Col("code", "varchar(32)", "lookup")
        code.notnull = True
        code.role = "code"
        label = Col("label", "text", "lookup")
        label.notnull = True
        label.role = "label"
        rank = Col("sort_rank", "int", "count")
        rank.notnull = True
        rank.default = "0"
        active = Col("is_active", "bool", "bool")
        active.notnull = True
        active.default = "true"
        for c in (pk, code, label, rank, active):
            c.table = t
            t.cols.append(c)
        pk_name = self.fresh(name, "_pkey")
        key_name = self.fresh(name, "_code_key")
        pk_inline = pk_name == name + "_pkey"
        key_inline = key_name == name + "_code_key"
        defs = ["id %s%s" % (idtype, " primary key" if pk_inline else " not null"),
                "code varchar(32) not null%s" % (" unique" if key_inline else ""),
                "label text not null",
                "sort_rank int not null default 0",
                "is_active bool not null default true"]
        if not pk_inline:
            defs.append("constraint %s primary key (id)" % pk_name)
        if not key_inline:
            defs.append("constraint %s unique (code)" % key_name)
        stmt = "create table %s (\n  %s\n);" % (name, ",\n  ".join(defs))
        self.add_table(t, scope)
        self.attach_con(t, Con(pk_name, "pkey", t, [pk]))
        self.attach_con(t, Con(key_name, "unique", t, [code]))
        m.new_tables.append(t)
        m.add(stmt, "drop table %s;" % name, "create_lookup")
        self.insert_rows(m, t, rng.randint(3, 6))
        return ("create_" + name, "Lookup table %s with its initial rows" % name)

    def insert_rows(self, m, t, n):
        rng = self.rng
        # columns that must be given: primary key, the lookup's code and label,
        # and anything not null without a default
        cols = [c for c in t.cols if c.pk or c.role or (c.notnull and c.default is None)]
        rows = []
        for _ in range(n):
            rid = t.next_id
            t.next_id += 1
            code = None
            for _try in range(4):
                cand = rng.choice(LOOKUP_CODES)
                if cand not in t.codes:
                    code = cand
                    break
            if code is None:
                code = "code_%d" % rid
            t.codes.append(code)
            vals = []
            for c in cols:
                if c.pk:
                    vals.append(str(rid))
                elif c.role == "code":
                    vals.append(sq(code))
                elif c.role == "label":
                    vals.append(sq(code.replace("_", " ").capitalize()))
                else:
                    vals.append(c.safe)
            rows.append("(%s)" % ", ".join(vals))
        stmt = "insert into %s (%s) values\n  %s;" % (
            t.name, ", ".join(c.name for c in cols), ",\n  ".join(rows))
        m.add(stmt, None, "insert")

    def op_insert_lookup(self, m, scope):
        t = self.pick_table(scope, lambda t: t.kind == "lookup", tries=30)
        if t is None:
            return None
        # every column without a value must be nullable or defaulted
        for c in t.cols:
            if c.notnull and c.default is None and not (c.pk or c.role) and c.safe is None:
                return None
        self.insert_rows(m, t, self.rng.randint(1, 3))
        return ("seed_" + t.name, "More rows for %s" % t.name)

    def op_add_column(self, m, scope):
        rng = self.rng
        r = rng.random()
        if r < 0.22:
            return self.add_fk_column(m, scope)
        t = self.pick_table(scope, lambda t: t.kind != "join" or rng.random() < 0.3)
        if t is None:
            return None
        n = 1 if r < 0.82 else rng.randint(2, 3)
        if t.kind == "lookup":
            allow = ("bool", "text", "name", "count", "date", "tstz", "char")
        else:
            allow = None
        entries = self.pool_choices(t, n, allow)
        if not entries:
            return None
        added = []
        for entry in entries:
            c = self.new_col_from_pool(entry, t)
            text = "add column %s.%s %s" % (t.name, c.name, c.type)
            if c.dflts and rng.random() < 0.45:
                c.default = rng.choice(c.dflts)
                if rng.random() < 0.6:
                    c.notnull = True
                    text += " not null"
                text += " default " + c.default
            t.cols.append(c)
            m.new_cols.append(c)
            m.add(text + ";", "drop column %s.%s;" % (t.name, c.name), "add_column")
            added.append(c)
        if t.kind != "lookup":
            for c in added:
                tmpls = c.check_templates()
                if tmpls and rng.random() < 0.2:
                    self.make_check(m, t, c, rng.choice(tmpls))
                elif c.indexable() and rng.random() < 0.25:
                    uniq = (c.unique_ok() and not c.notnull and rng.random() < 0.5)
                    desc = c.type.startswith("timestamp") and rng.random() < 0.4
                    self.make_index(m, t, [(c, desc)], uniq, None)
            # a new nullable column is sometimes backfilled and made not null
            c = added[0]
            if (len(added) == 1 and not c.notnull and c.safe is not None
                    and c.uniq == 0 and rng.random() < 0.25):
                self.backfill_not_null(m, t, c)
        if len(added) == 1:
            c = added[0]
            return ("add_%s_to_%s" % (c.name, t.name),
                    "Add %s to %s" % (c.name.replace("_", " "), t.name))
        return ("add_%s_columns" % t.name,
                "Add %s to %s" % (", ".join(c.name for c in added), t.name))

    def add_fk_column(self, m, scope, t=None):
        rng = self.rng
        refs = self.referenceable(scope)
        if not refs:
            return None
        if t is None:
            t = self.pick_table(scope, lambda t: t.kind == "entity")
        if t is None:
            return None
        tgt = rng.choice(refs)
        if tgt is t:
            base = "parent_id"
        else:
            base = singular(strip_prefix(tgt.name)) + "_id"
            if t.col(base) is not None:
                base = rng.choice(FK_ROLE_PREFIXES) + base
        tpk = tgt.pk_col()
        c = Col(self.fresh_col_name(t, base), tpk.type, "key")
        c.table = t
        t.cols.append(c)
        m.new_cols.append(c)
        m.add("add column %s.%s %s;" % (t.name, c.name, c.type),
              "drop column %s.%s;" % (t.name, c.name), "add_column")
        if rng.random() < 0.8:
            con = Con(self.fresh(t.name + "_" + c.name, "_fk"), "fk", t, [c],
                      ref_table=tgt, ref_cols=[tpk], cascade=rng.random() < 0.2)
            self.attach_con(t, con)
            m.add(self.fk_stmt(con), "drop constraint %s on %s;" % (con.name, t.name),
                  "add_fk")
            if rng.random() < 0.7:
                self.make_index(m, t, [(c, False)], False, None)
        else:
            c.fk_target = tgt
            self.softrefs.append(c)
        return ("add_%s_to_%s" % (c.name, t.name),
                "%s references %s" % (t.name, tgt.name))

    def op_create_index(self, m, scope):
        rng = self.rng
        t = self.pick_table(scope, lambda t: any(c.indexable() and not c.pk for c in t.cols))
        if t is None:
            return None
        cands = [c for c in t.cols if c.indexable() and not c.pk]
        existing = set(tuple(c.name for c, _ in ix.cols) for ix in t.indexes)
        for _ in range(6):
            if len(cands) >= 2 and rng.random() < 0.3:
                a, b = rng.sample(cands, 2)
                cols = [(a, False), (b, b.type.startswith("timestamp") and rng.random() < 0.6)]
            else:
                c = rng.choice(cands)
                cols = [(c, c.type.startswith("timestamp") and rng.random() < 0.4)]
            key = tuple(c.name for c, _ in cols)
            if key not in existing:
                break
        else:
            return None
        where = None
        if t.kind != "lookup" and rng.random() < 0.25:
            where = self.partial_where(t, exclude=[c for c, _ in cols])
        unique = False
        if len(cols) == 1 and cols[0][0].unique_ok() and cols[0][0].uniq == 0 \
                and t.kind != "lookup" and rng.random() < 0.35:
            unique = True
        ix = self.make_index(m, t, cols, unique, where)
        return ("index_%s_on_%s" % (t.name, "_and_".join(c.name for c, _ in cols)),
                "%s index on %s (%s)" % ("Unique" if unique else ("Partial" if where else "An"),
                                         t.name, ", ".join(c.name for c, _ in cols)))

    def make_check(self, m, t, c, tm):
        expr = toks(tm[0], c)
        name = self.fresh("%s_%s_%s" % (t.name, c.name, tm[2]))
        con = Con(name, "check", t, [], expr=expr)
        self.attach_con(t, con)
        m.add("add constraint %s on %s check (%s);" % (name, t.name, render(expr)),
              "drop constraint %s on %s;" % (name, t.name), "add_check")
        return con

    def op_add_check(self, m, scope):
        rng = self.rng

        def ok(c):
            return (not c.pk and c.cat != "key" and not c.checks and c.check_templates()
                    and c.cat not in ("range", "lookup"))
        t = self.pick_table(scope, lambda t: t.kind == "entity" and any(ok(c) for c in t.cols))
        if t is None:
            return None
        c = rng.choice([c for c in t.cols if ok(c)])
        tm = rng.choice(c.check_templates())
        fix = rng.random() < 0.7 and c.uniq == 0
        if fix:
            m.add("update %s set %s = %s where %s;" % (t.name, c.name, c.safe,
                                                     render(toks(tm[1], c))),
                  None, "update")
        self.make_check(m, t, c, tm)
        return ("check_%s_%s" % (t.name, c.name),
                "%s must satisfy %s" % (c.name, tm[2]))

    def op_add_fk(self, m, scope):
        rng = self.rng
        cands = [c for c in self.softrefs if c.alive and c.fk is None
                 and c.fk_target is not None and self.owned(c.table)
                 and self.owned(c.fk_target) and c.table in scope
                 and c.fk_target.pk_col() is not None
                 and c.fk_target.pk_col().type == c.type]
        self.softrefs = [c for c in self.softrefs if c.alive and c.fk_target is not None]
        if not cands:
            return self.add_fk_column(m, scope)
        c = rng.choice(cands[-50:])
        t = c.table
        tgt = c.fk_target
        con = Con(self.fresh(t.name + "_" + c.name, "_fk"), "fk", t, [c],
                  ref_table=tgt, ref_cols=[tgt.pk_col()], cascade=rng.random() < 0.2)
        self.attach_con(t, con)
        m.add(self.fk_stmt(con), "drop constraint %s on %s;" % (con.name, t.name), "add_fk")
        if not any(ix.cols[0][0] is c for ix in t.indexes) and rng.random() < 0.5:
            self.make_index(m, t, [(c, False)], False, None)
        return ("fk_%s_%s" % (t.name, c.name), "Enforce %s.%s -> %s" % (t.name, c.name, tgt.name))

    def op_rename_column(self, m, scope):
        rng = self.rng
        t = self.pick_table(scope, lambda t: any(not c.pk for c in t.cols))
        if t is None:
            return None
        c = rng.choice([c for c in t.cols if not c.pk])
        old = c.name
        new = COLUMN_RENAMES.get(old)
        if new is None and old.endswith("_id") and not any(
                old.startswith(p) for p in FK_ROLE_PREFIXES):
            new = rng.choice(FK_ROLE_PREFIXES) + old
        if new is None or t.col(new) is not None or new in RESERVED or len(new) > 40:
            base = old
            for suf in ("_v2", "_v3", "_v4", "_v5", "_v6"):
                if base.endswith(suf):
                    base = base[:-len(suf)]
            k = 2
            while True:
                new = "%s_v%d" % (base, k)
                if t.col(new) is None:
                    break
                k += 1
        c.name = new
        m.add("rename column %s.%s to %s;" % (t.name, old, new),
              "rename column %s.%s to %s;" % (t.name, new, old), "rename_column")
        return ("rename_%s_%s_to_%s" % (t.name, old, new),
                "Rename %s.%s to %s" % (t.name, old, new))

    def op_rename_table(self, m, scope):
        rng = self.rng
        t = self.pick_table(scope, lambda t: not self.ext_referenced(t))
        if t is None:
            return None
        old = t.name
        if rng.random() < 0.5 and strip_prefix(old) == old:
            new = rng.choice(PREFIXES) + old
            if new in self.names or len(new) > 40:
                new = self.fresh_table_name(lookup=(t.kind == "lookup"))
            else:
                self.names.add(new)
        else:
            new = self.fresh_table_name(lookup=(t.kind == "lookup"))
        t.name = new
        m.add("rename table %s to %s;" % (old, new), "rename table %s to %s;" % (new, old),
              "rename_table")
        return ("rename_%s_to_%s" % (old, new), "Rename %s to %s" % (old, new))

    def default_ok(self, c):
        return (not c.pk and not c.identity and c.cat not in ("key", "range", "lookup")
                and c.uniq == 0 and c.fk_target is None)

    def op_set_default(self, m, scope, t=None):
        rng = self.rng

        def ok(c):
            return self.default_ok(c) and any(d != c.default for d in c.dflts)
        if t is None:
            t = self.pick_table(scope, lambda t: any(ok(c) for c in t.cols))
        if t is None:
            return None
        cands = [c for c in t.cols if ok(c)]
        if not cands:
            return None
        c = rng.choice(cands)
        old = c.default
        c.default = rng.choice([d for d in c.dflts if d != old])
        inv = ("alter column %s.%s set default %s;" % (t.name, c.name, old) if old is not None
               else "alter column %s.%s drop default;" % (t.name, c.name))
        m.add("alter column %s.%s set default %s;" % (t.name, c.name, c.default), inv,
              "set_default")
        return ("default_%s_%s" % (t.name, c.name),
                "New default for %s.%s" % (t.name, c.name))

    def op_drop_default(self, m, scope):
        def ok(c):
            return c.default is not None and not c.pk and c.cat != "lookup"
        t = self.pick_table(scope, lambda t: any(ok(c) for c in t.cols))
        if t is None:
            return None
        c = self.rng.choice([c for c in t.cols if ok(c)])
        old = c.default
        c.default = None
        m.add("alter column %s.%s drop default;" % (t.name, c.name),
              "alter column %s.%s set default %s;" % (t.name, c.name, old), "drop_default")
        return ("drop_default_%s_%s" % (t.name, c.name),
                "%s.%s no longer has a default" % (t.name, c.name))

    def backfill_ok(self, c):
        return (not c.notnull and c.safe is not None and c.uniq == 0 and c.fk is None
                and c.fk_target is None and c.cat not in ("key", "range", "lookup")
                and not c.pk)

    def backfill_not_null(self, m, t, c):
        m.add("update %s set %s = %s where %s is null;" % (t.name, c.name, c.safe, c.name),
              None, "update")
        c.notnull = True
        m.add("alter column %s.%s set not null;" % (t.name, c.name),
              "alter column %s.%s drop not null;" % (t.name, c.name), "set_not_null")

    def op_set_not_null(self, m, scope):
        t = self.pick_table(scope, lambda t: t.kind == "entity"
                            and any(self.backfill_ok(c) for c in t.cols))
        if t is None:
            return None
        c = self.rng.choice([c for c in t.cols if self.backfill_ok(c)])
        self.backfill_not_null(m, t, c)
        return ("require_%s_%s" % (t.name, c.name),
                "Backfill %s.%s and make it required" % (t.name, c.name))

    def op_drop_not_null(self, m, scope):
        def ok(c):
            return c.notnull and not c.pk and c.cat not in ("lookup",)
        t = self.pick_table(scope, lambda t: t.kind != "lookup" and any(ok(c) for c in t.cols))
        if t is None:
            return None
        c = self.rng.choice([c for c in t.cols if ok(c)])
        c.notnull = False
        m.add("alter column %s.%s drop not null;" % (t.name, c.name), None, "drop_not_null")
        return ("optional_%s_%s" % (t.name, c.name), "%s.%s becomes optional" % (t.name, c.name))

    @staticmethod
    def widened(type_):
        if type_ == "smallint":
            return "int"
        if type_ == "int":
            return "bigint"
        if type_.startswith("varchar("):
            n = int(type_[8:-1])
            if n >= 1000:
                return None
            return "varchar(%d)" % min(1000, n * 2 if n < 100 else n + 100)
        if type_.startswith("decimal("):
            p, s = type_[8:-1].split(",")
            p = int(p)
            if p >= 30:
                return None
            return "decimal(%d,%s)" % (p + 2, s)
        return None

    def op_widen_type(self, m, scope):
        def ok(c):
            return (not c.pk and c.fk is None and c.refd == 0 and c.fk_target is None
                    and c.cat not in ("key", "lookup") and self.widened(c.type) is not None)
        t = self.pick_table(scope, lambda t: any(ok(c) for c in t.cols))
        if t is None:
            return None
        c = self.rng.choice([c for c in t.cols if ok(c)])
        old = c.type
        c.type = self.widened(old)
        m.add("alter column %s.%s type %s;" % (t.name, c.name, c.type), None, "widen_type")
        return ("widen_%s_%s" % (t.name, c.name),
                "Widen %s.%s from %s to %s" % (t.name, c.name, old, c.type))

    def op_drop_index(self, m, scope):
        t = self.pick_table(scope, lambda t: bool(t.indexes))
        if t is None:
            return None
        ix = self.rng.choice(t.indexes)
        inv = self.index_stmt(ix)
        self.detach_index(t, ix)
        m.add("drop index %s;" % ix.name, inv, "drop_index")
        return ("drop_index_%s" % ix.name, "Drop unused index %s" % ix.name)

    def op_drop_constraint(self, m, scope):
        def ok(con):
            if con.kind == "pkey":
                return False
            if con.kind == "fk":
                return self.owned(con.ref_table)
            if con.kind == "unique":
                return all(c.refd == 0 for c in con.cols)
            return True
        t = self.pick_table(scope, lambda t: any(ok(con) for con in t.cons))
        if t is None:
            return None
        con = self.rng.choice([con for con in t.cons if ok(con)])
        inv = None
        if con.kind == "fk":
            inv = self.fk_stmt(con)
        self.detach_con(t, con)
        if con.kind == "fk":
            c = con.cols[0]
            c.fk_target = con.ref_table
            self.softrefs.append(c)
        m.add("drop constraint %s on %s;" % (con.name, t.name), inv, "drop_constraint")
        return ("drop_%s" % con.name, "Drop constraint %s" % con.name)

    def op_backfill(self, m, scope):
        rng = self.rng
        t = self.pick_table(scope, lambda t: t.kind == "entity"
                            and any(self.backfill_ok(c) for c in t.cols))
        if t is None:
            return None
        c = rng.choice([c for c in t.cols if self.backfill_ok(c)])
        value = c.safe
        r = rng.random()
        if r < 0.35:
            # copy from a compatible column with the same type and no checks on the target
            srcs = [s for s in t.cols if s is not c and s.type == c.type and not c.checks
                    and s.cat not in ("key",) and not s.pk]
            if srcs:
                value = rng.choice(srcs).name
        elif r < 0.55 and c.is_int() and not c.checks:
            flags = [s for s in t.cols if s.cat == "bool"]
            if flags:
                f = rng.choice(flags)
                value = "case when %s then 1 else 0 end" % f.name
        m.add("update %s set %s = %s where %s is null;" % (t.name, c.name, value, c.name),
              None, "update")
        return ("backfill_%s_%s" % (t.name, c.name), "Backfill %s.%s" % (t.name, c.name))

    def op_drop_column(self, m, scope):
        def ok(c):
            return (not c.pk and c.uses == 0 and c.refd == 0 and c.fk is None
                    and c.role is None)
        t = self.pick_table(scope, lambda t: t.kind != "lookup" and len(t.cols) > 4
                            and any(ok(c) for c in t.cols))
        if t is None:
            return None
        c = self.rng.choice([c for c in t.cols if ok(c)])
        t.cols.remove(c)
        c.alive = False
        m.add("drop column %s.%s;" % (t.name, c.name), None, "drop_column")
        if self.rng.random() < 0.4:
            m.irreversible = "%s.%s is gone for good" % (t.name, c.name)
        return ("drop_%s_%s" % (t.name, c.name), "Drop unused column %s.%s" % (t.name, c.name))

    def op_drop_table(self, m, scope):
        t = self.pick_table(scope, lambda t: all(fk.table is t for fk in t.refd_by)
                            and self.count - t.born > 30 and len(self.tables) > 8)
        if t is None:
            return None
        self.remove_table(t, scope)
        m.add("drop table %s;" % t.name, None, "drop_table")
        if self.rng.random() < 0.4:
            m.irreversible = "%s is retired" % t.name
        return ("drop_table_%s" % t.name, "Retire %s" % t.name)

    # -----------------------------------------------------------------------
    # Migrations.

    def choose_op(self):
        x = self.rng.random() * self.weights_total
        for name, w in WEIGHTS:
            x -= w
            if x < 0:
                return name
        return WEIGHTS[-1][0]

    def migration(self, requires, scope):
        rng = self.rng
        m = Mig()
        res = None
        live = [t for t in scope if t.alive]
        if len(live) < (1 if self.branch is not None else 3):
            res = self.op_create_table(m, scope)
        else:
            for _ in range(25):
                op = self.choose_op()
                res = getattr(self, "op_" + op)(m, scope)
                if res:
                    break
            if not res:
                res = self.op_create_table(m, scope)
        # a follow-up on a table this migration touched
        if rng.random() < 0.1 and m.irreversible is None and "drop_table" not in m.ops:
            tname = stmt_table(m.up[-1])
            touched = [t for t in scope if t.alive and t.name == tname]
            if touched:
                t = touched[0]
                op = rng.choice(FOLLOWUPS)
                if op == "set_default":
                    self.op_set_default(m, [t], t)
                elif op == "add_column" and t.kind == "entity":
                    self.op_add_column(m, [t])
                elif op != "add_column":
                    getattr(self, "op_" + op)(m, [t])
        name = self.fresh_mig_name(res[0])
        desc = res[1]
        for k in m.ops:
            self.stats[k] = self.stats.get(k, 0) + 1

        # down: exact inverse, for schema-only migrations (data changes only
        # on columns or tables this migration creates)
        data_ok = True
        for stmt, kind in zip(m.up, m.ops):
            if kind == "update":
                target = stmt.split(" set ", 1)[1].split(" = ", 1)[0]
                tname = stmt.split(" ", 2)[1]
                if not any(c.name == target and c.table.name == tname for c in m.new_cols) \
                        and not any(t.name == tname for t in m.new_tables):
                    data_ok = False
            elif kind == "insert":
                tname = stmt.split(" ", 3)[2]
                if not any(t.name == tname for t in m.new_tables):
                    data_ok = False
        want_down = (m.invertible and data_ok and m.irreversible is None
                     and "widen_type" not in m.ops)
        down = None
        if want_down:
            ratio = self.downs / max(1, self.count)
            if rng.random() < (0.9 if ratio < 0.4 else 0.1):
                # a table created here is simply dropped: the inverses of the
                # later statements on it would be redundant (and dropping its
                # columns before its indexes would be wrong)
                created = set(t.name for t in m.new_tables)
                down = []
                for inv in reversed(m.inv):
                    if not inv.startswith("drop table "):
                        tname = stmt_table(inv)
                        if inv.startswith("drop index "):
                            tname = self.index_table(inv[len("drop index "):-1], m)
                        if tname in created:
                            continue
                    down.append(inv)
                self.downs += 1
        self.count += 1
        # Without a down, a migration that changes data says it is one-way,
        # as a careful author would (migc cannot undo updates, and a
        # re-created table or column comes back empty).
        one_way = ("update", "insert", "drop_column", "drop_table")
        if down is None and m.irreversible is None and \
                any(k in one_way for k in m.ops):
            m.irreversible = "changes data a down cannot restore"

        lines = []
        if rng.random() < 0.12:
            lines.append("-- " + desc)
        lines.append("migration %s {" % name)
        if requires:
            lines.append("  requires %s;" % ", ".join(requires))
        meta = len(lines)
        if rng.random() < 0.4:
            lines.append("  author %s;" % sq(rng.choice(AUTHORS)))
        if rng.random() < 0.5:
            lines.append("  description %s;" % sq(desc))
        if m.irreversible:
            lines.append("  irreversible %s;" % sq(m.irreversible))
        if len(lines) > meta:
            lines.append("")   # a blank line after a header with metadata
        lines.append("  up {")
        for stmt in m.up:
            for ln in stmt.split("\n"):
                lines.append("    " + ln)
        lines.append("  }")
        if down:
            lines.append("  down {")
            for stmt in down:
                for ln in stmt.split("\n"):
                    lines.append("    " + ln)
            lines.append("  }")
        lines.append("}")
        return name, "\n".join(lines) + "\n"

    @staticmethod
    def index_table(ixname, m):
        for up in m.up:
            if up.startswith("create ") and (" index %s on " % ixname) in up:
                return up.split(" on ", 1)[1].split(" ", 1)[0]
        return None

    # -----------------------------------------------------------------------
    # Histories.

    def linear(self, n):
        out = []
        prev = None
        for _ in range(n):
            name, text = self.migration([prev] if prev else [], self.tables)
            out.append((name, text))
            prev = name
        return out

    def dag(self, n):
        rng = self.rng
        out = []
        prev = None
        trunk_run = min(n, 12)
        while len(out) < n:
            remaining = n - len(out)
            if trunk_run > 0 or remaining < 4:
                name, text = self.migration([prev] if prev else [], self.tables)
                out.append((name, text))
                prev = name
                trunk_run -= 1
                continue
            k = min(rng.randint(2, 8), remaining - 2)
            budget = remaining - 1
            lengths = [rng.randint(1, 6) for _ in range(k)]
            while sum(lengths) > budget:
                i = max(range(k), key=lambda j: lengths[j])
                if lengths[i] == 1:
                    lengths.pop()
                    k -= 1
                else:
                    lengths[i] -= 1
            # hand every live table to at most one branch
            owned = [[] for _ in range(k)]
            for t in self.tables:
                if rng.random() < 0.6:
                    b = rng.randrange(k)
                    t.owner = b
                    owned[b].append(t)
                else:
                    t.owner = -1
            tips = [prev] * k
            left = list(lengths)
            while any(left):
                b = rng.choice([i for i in range(k) if left[i]])
                self.branch = b
                name, text = self.migration([tips[b]] if tips[b] else [], owned[b])
                out.append((name, text))
                tips[b] = name
                left[b] -= 1
            self.branch = None
            for t in self.tables:
                t.owner = None
            name, text = self.migration(tips, self.tables)
            out.append((name, text))
            prev = name
            trunk_run = rng.randint(1, 4)
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--migrations", type=int, required=True, metavar="N")
    ap.add_argument("--out", required=True, metavar="DIR")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--branchy", action="store_true",
                    help="wide DAG of parallel branches instead of a linear chain")
    ap.add_argument("--single-file", action="store_true",
                    help="write every migration into DIR/all.mig")
    ap.add_argument("--stats", action="store_true",
                    help="print the operation mix to stderr")
    args = ap.parse_args(argv)
    if args.migrations < 1:
        ap.error("--migrations must be at least 1")
    if os.path.isdir(args.out) and any(f.endswith(".mig") for f in os.listdir(args.out)):
        ap.error("%s already holds .mig files; use an empty directory" % args.out)
    os.makedirs(args.out, exist_ok=True)

    gen = Gen(args.seed, args.branchy)
    migs = gen.dag(args.migrations) if args.branchy else gen.linear(args.migrations)

    width = max(5, len(str(len(migs))))
    total_lines = 0
    total_bytes = 0
    if args.single_file:
        data = "\n".join(text for _, text in migs).encode()
        with open(os.path.join(args.out, "all.mig"), "wb") as f:
            f.write(data)
        total_lines = data.count(b"\n")
        total_bytes = len(data)
    else:
        for i, (name, text) in enumerate(migs, 1):
            data = text.encode()
            path = os.path.join(args.out, "%0*d_%s.mig" % (width, i, name))
            with open(path, "wb") as f:
                f.write(data)
            total_lines += data.count(b"\n")
            total_bytes += len(data)
    print("migrations=%d lines=%d bytes=%d avg_lines=%.1f downs=%d files=%d dir=%s" % (
        len(migs), total_lines, total_bytes, total_lines / len(migs), gen.downs,
        1 if args.single_file else len(migs), args.out))
    if args.stats:
        total = sum(gen.stats.values())
        for k, v in sorted(gen.stats.items(), key=lambda kv: -kv[1]):
            sys.stderr.write("%-16s %7d  %5.1f%%\n" % (k, v, 100.0 * v / total))
        sys.stderr.write("live tables at the end: %d\n" % len(gen.tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
