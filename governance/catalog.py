"""The known-cookie catalogue: a cookie or storage key name → who sets it, for what, how long.

Three layers, later ones winning on the same name:

1. catalogues imported with ``govern catalog import FILE`` (Open Cookie Database CSV format),
   stored as JSON under ``$GIT_DIR/govern/catalog/``: a broad reference that fills the gaps;
2. the bundled catalogue ``governance/data/known_cookies.yaml``, written by the project from
   vendors' public documentation (curated, with legal names of controllers);
3. the file named by ``[tool.govern] catalog`` (CSV in that format, or YAML/JSON like the bundled
   one): the repository's own word, which overrides both.

Beside names, the catalogue maps hosts to companies (``DomainEntry``): a cookie on
``.doubleclick.net`` or a request to ``px.ads.linkedin.com`` names its company by the longest known
suffix of the host (bundled ``governance/data/known_domains.yaml``, plus the domains an Open Cookie
Database import names in its Domain column).

A match is a suggestion that names its source; it never overrides what a policy declares.
Lookups are by exact name first (a dict), then by the longest matching prefix pattern
(``_ga_*``), then by the other patterns (``mp_*_mixpanel``), all precompiled.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from governance.errors import ConfigError, InputError

if TYPE_CHECKING:
    from governance.config import Config

BUNDLED = Path(__file__).parent / "data" / "known_cookies.yaml"
BUNDLED_DOMAINS = Path(__file__).parent / "data" / "known_domains.yaml"
BUNDLED_SOURCE = "the govern catalogue"
IMPORT_DIR = "catalog"
IMPORT_SCHEMA = "govern.catalog/1"
CATEGORIES = ("strictly_necessary", "functional", "analytics", "marketing")

# Open Cookie Database categories → the four ePrivacy categories of the policy model.
OCD_CATEGORIES = {
    "functional": "functional",
    "marketing": "marketing",
    "analytics": "analytics",
    "security": "strictly_necessary",
    "necessary": "strictly_necessary",
    "strictly necessary": "strictly_necessary",
    "personalization": "functional",
    "personalisation": "functional",
}
OCD_COLUMNS = (
    "ID",
    "Platform",
    "Category",
    "Cookie / Data Key name",
    "Domain",
    "Description",
    "Retention period",
    "Data Controller",
    "User Privacy & GDPR Rights Portals",
    "Wildcard match",
)
OCD_REQUIRED = ("Platform", "Category", "Cookie / Data Key name", "Data Controller")

# Software a site runs itself: its cookies are first-party, the site operator is the controller.
SELF_HOSTED = frozenset(
    name.casefold()
    for name in (
        "ASP.net", "CakePHP", "CodeIgniter", "CraftCMS", "Devise (Ruby on Rails)", "Django",
        "Drupal CMS", "HAproxy", "J2EE", "Joomla!", "JoomlArt", "Kentico", "Keycloak", "Laravel",
        "Magento", "Matomo", "NGINX Ingresss", "Next", "Next.js", "NextAuth.js", "NextJS",
        "PHP.net", "Perl", "Piwik", "Plesk", "Polylang", "Processwire", "Rack", "Ruby on Rails",
        "TYPO3", "WPML", "WooCommerce", "WordPress", "Xenforo", "nopCommerce", "phpMyAdmin",
        "vBulletin", "f5 BIG-IP", "Alteon", "Citrix", "Adobe ColdFusion", "Website operator",
        "Advertiser's website", "Umami", "Plausible Analytics",
    )
)  # fmt: skip


@dataclass(frozen=True)
class CatalogEntry:
    name: str  # the cookie or key name, or a pattern with "*"
    platform: str  # the product that sets it ("Google Analytics")
    controller: str  # the legal name of the organisation that controls the data
    category: str | None  # strictly_necessary | functional | analytics | marketing
    retention: str | None = None
    storage: str = "cookie"
    description: str = ""
    source: str = BUNDLED_SOURCE
    first_party: bool = False  # set by software the site runs itself (the site is the controller)

    @property
    def is_pattern(self) -> bool:
        return "*" in self.name

    @property
    def third_party(self) -> bool:
        return not self.first_party and bool(self.controller.strip())

    def describe(self, name: str | None = None) -> str:
        """``_ga is set by Google Analytics (controller Google LLC)``."""
        shown = name or self.name
        if name and name != self.name:
            shown = f"{name} (matching {self.name})"
        who = self.platform or self.controller
        if self.first_party:
            return f"{shown} is set by the site's own {who} software (first-party)"
        controller = f" (controller {self.controller})" if self.controller else ""
        return f"{shown} is set by {who}{controller}"


@dataclass(frozen=True)
class DomainEntry:
    """A registrable domain (``doubleclick.net``) → the company whose servers answer on it."""

    domain: str
    platform: str
    controller: str
    category: str | None = None
    source: str = BUNDLED_SOURCE

    def describe(self, host: str | None = None) -> str:
        """``px.criteo.com belongs to Criteo (controller Criteo SA)``."""
        shown = host or self.domain
        controller = f" (controller {self.controller})" if self.controller else ""
        return f"{shown} belongs to {self.platform}{controller}"


@dataclass
class Catalog:
    exact: dict[str, CatalogEntry] = field(default_factory=dict)
    folded: dict[str, CatalogEntry] = field(default_factory=dict)
    prefixes: dict[str, CatalogEntry] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], CatalogEntry]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    imported: set[str] = field(default_factory=set)  # sources that are broad imports
    domains: dict[str, DomainEntry] = field(default_factory=dict)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def of(cls, entries: Iterable[CatalogEntry], source: str | None = None) -> Catalog:
        catalog = cls()
        catalog.add(entries, source)
        return catalog

    def add(self, entries: Iterable[CatalogEntry], source: str | None = None) -> None:
        """Add entries; an entry replaces an earlier one with the same name or pattern."""
        replaced: dict[str, CatalogEntry] = {}
        for entry in entries:
            name = entry.name
            if not entry.is_pattern:
                self.exact[name] = entry
                self.folded[name.casefold()] = entry
            elif name.endswith("*") and "*" not in name[:-1]:
                self.prefixes[name[:-1]] = entry
            else:
                replaced[name] = entry
        if replaced:
            kept = [(p, e) for p, e in self.patterns if e.name not in replaced]
            kept.extend((_glob(name), entry) for name, entry in replaced.items())
            self.patterns = kept
        if source and source not in self.sources:
            self.sources.append(source)

    def add_domains(self, entries: Iterable[DomainEntry]) -> None:
        """Add domain entries; an entry replaces an earlier one for the same domain."""
        for entry in entries:
            self.domains[entry.domain] = entry

    @classmethod
    def load(cls, config: Config | None = None) -> Catalog:
        """The bundled catalogue, plus the imported ones and the configured one of a repository."""
        catalog = cls()
        if config is not None:
            for path in imported_files(config.root):
                entries, domains = read_imported(path)
                catalog.add(entries, str(path))
                catalog.add_domains(domains)
                catalog.imported.update(entry.source for entry in entries)
        catalog.add(bundled_entries(), BUNDLED_SOURCE)
        catalog.add_domains(bundled_domains())
        if config is not None and config.catalog:
            data = config.read_file(config.catalog)
            where = config.catalog + (f"@{config.revision[:12]}" if config.revision else "")
            if data is None:
                raise ConfigError(
                    f"the catalogue file {where} does not exist",
                    file=config.source,
                    field="tool.govern.catalog",
                )
            catalog.add(parse_catalog(data, where), where)
        return catalog

    # --- lookups --------------------------------------------------------------------------

    def lookup(self, name: str) -> CatalogEntry | None:
        """The entry for a cookie or key name: exact, else longest prefix, else a pattern.

        Names are compared by their Unicode skeleton (:func:`skeleton`): ``_gа`` with a Cyrillic
        ``а``, or ``_g\u200ba`` with a zero-width space, is looked up as ``_ga``.
        """
        name = name.strip()
        if not name:
            return None
        shown = skeleton(name)
        if shown != name:
            return self._lookup(shown)
        return self._lookup(name)

    def _lookup(self, name: str) -> CatalogEntry | None:
        if not name:
            return None
        entry = self.exact.get(name)
        if entry is not None:
            return entry
        for end in range(len(name), 0, -1):
            entry = self.prefixes.get(name[:end])
            if entry is not None:
                return entry
        for pattern, candidate in self.patterns:
            if pattern.fullmatch(name):
                return candidate
        return self.folded.get(name.casefold()) if len(name) >= 3 else None

    def company_for_host(self, host: str) -> DomainEntry | None:
        """The company behind a host or cookie domain (``.stats.g.doubleclick.net``, a URL, an
        e-mail-like ``x@host``): the entry of its longest known suffix, or None."""
        name = host_of(host)
        while "." in name:
            entry = self.domains.get(name)
            if entry is not None:
                return entry
            name = name.partition(".")[2]
        return None

    def __len__(self) -> int:
        return len(self.exact) + len(self.prefixes) + len(self.patterns)

    def names(self) -> set[str]:
        """Platforms and controllers of third parties: organisation names prose may mention.

        Broad imports are left out: their hundreds of platform names include ordinary words
        ("Next", "Blue", "Impact") that would read as organisations in any sentence.
        """
        found: set[str] = set()
        for entry in self.entries():
            if entry.third_party and entry.source not in self.imported:
                found.add(entry.platform)
                found.add(_short_legal_name(entry.controller))
        return {name for name in found if len(name) > 2}

    def entries(self) -> Iterator[CatalogEntry]:
        yield from self.exact.values()
        yield from self.prefixes.values()
        yield from (entry for _, entry in self.patterns)


# Letters of other scripts drawn like Latin ones (Unicode TR39 confusables, the ones that
# matter in cookie and key names), mapped to the Latin letter they imitate.
_CONFUSABLES = str.maketrans(
    {
        **dict(zip("аеорсухіјѕԁԛԝӏһ", "aeopcyxijsdqwlh", strict=True)),
        **dict(zip("АВЕКМНОРСТХІЈЅ", "ABEKMHOPCTXIJS", strict=True)),
        **dict(zip("αορνυικ", "aopvuik", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2212": "-",
    }
)


def _invisible(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) == "Cf" or char in "\u115f\u1160\u3164\uffa0"


def skeleton(name: str) -> str:
    """A name as it looks: NFKC, invisible (format) characters removed, letters of other
    scripts that imitate Latin ones mapped to them (TR39 skeletons, for the scripts that
    matter here)."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", name)
    folded = "".join(char for char in folded if not _invisible(char))
    return folded.translate(_CONFUSABLES)


def _script(char: str) -> str | None:
    import unicodedata

    if not char.isalpha():
        return None
    return unicodedata.name(char, "").split(" ", 1)[0] or None


def deceptive(name: str) -> str | None:
    """Why a name would deceive a reader: it hides invisible characters or mixes scripts
    (``_gа`` with a Cyrillic ``а``); None for an honest name."""
    hidden = [char for char in name if _invisible(char)]
    if hidden:
        codes = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(hidden))
        return f"it hides invisible characters ({codes})"
    scripts = {script for char in name if (script := _script(char))}
    if len(scripts) > 1 and "LATIN" in scripts:
        return f"it mixes scripts ({', '.join(sorted(s.title() for s in scripts))})"
    return None


_HOST = re.compile(
    r"(?<![\w.-])\.?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62})(?![\w-])",
    re.I,
)


def host_of(text: str) -> str:
    """The host a URL, a cookie domain (``.criteo.com``) or a bare host names, lower-cased;
    "" when the text names none."""
    text = text.strip().casefold()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    text = text.split(":", 1)[0].strip(".")
    match = _HOST.fullmatch(text)
    return match.group(1) if match else ""


def hosts_in(text: str) -> list[str]:
    """Every host name written in a text (``doubleclick.net (3rd party) or .bing.com``)."""
    return [match.group(1).casefold() for match in _HOST.finditer(text)]


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


_LEGAL = re.compile(
    r"(?:,?\s+(?:Inc|Ltd|LLC|Limited|GmbH|Corp|Corporation|Co|plc|S\.A|SA|SAS|AG|B\.V|BV|AB|Oy|"
    r"Pte|Pty|Ireland|Technology|Technologies|Platforms)\.?)+$"
)


def _short_legal_name(controller: str) -> str:
    return _LEGAL.sub("", controller.strip()).strip(" ,.")


# --- the bundled catalogue ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def bundled_entries() -> tuple[CatalogEntry, ...]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(BUNDLED.read_text(encoding="utf-8"), Loader=loader)
    return tuple(_entries_from_data(data, BUNDLED_SOURCE, str(BUNDLED)))


@lru_cache(maxsize=1)
def bundled_domains() -> tuple[DomainEntry, ...]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(BUNDLED_DOMAINS.read_text(encoding="utf-8"), Loader=loader)
    return tuple(
        DomainEntry(
            domain=domain,
            platform=str(raw["platform"]),
            controller=str(raw["controller"]),
            category=raw.get("category"),
        )
        for raw in data["entries"]
        for domain in raw["domains"]
    )


def _entries_from_data(data: Any, source: str, file: str) -> list[CatalogEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InputError("a catalogue needs a top-level `entries:` list", file=file)
    source = str(data.get("source") or source)
    result = []
    for index, raw in enumerate(data["entries"]):
        if not isinstance(raw, dict) or not raw.get("name") or not raw.get("controller"):
            raise InputError(
                f"entry {index + 1} needs at least `name` and `controller`",
                file=file,
                field=f"entries[{index}]",
            )
        category = raw.get("category")
        if category is not None and category not in CATEGORIES:
            raise InputError(
                f"category must be one of {', '.join(CATEGORIES)}, not {category!r}",
                file=file,
                field=f"entries[{index}].category",
            )
        for name in _names(raw["name"]):
            result.append(
                CatalogEntry(
                    name=name,
                    platform=str(raw.get("platform") or raw["controller"]),
                    controller=str(raw["controller"]),
                    category=category,
                    retention=_text_or_none(raw.get("retention")),
                    storage=str(raw.get("storage") or "cookie"),
                    description=str(raw.get("description") or raw.get("note") or ""),
                    source=str(raw.get("source") or source),
                    first_party=bool(raw.get("first_party", False)),
                )
            )
    return result


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()]


def _text_or_none(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


# --- imported catalogues ------------------------------------------------------------------------


def import_dir(root: Path) -> Path:
    from governance.workdir import govern_dir

    return govern_dir(root) / IMPORT_DIR


def imported_files(root: Path) -> list[Path]:
    directory = import_dir(root)
    return sorted(directory.glob("*.json")) if directory.is_dir() else []


def read_imported(path: Path) -> tuple[list[CatalogEntry], list[DomainEntry]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(
            f"cannot read the imported catalogue: {error}",
            file=path,
            hint="import it again with `govern catalog import FILE`",
        ) from None
    if not isinstance(data, dict) or data.get("schema") != IMPORT_SCHEMA:
        raise InputError(
            f"not a govern catalogue (expected schema {IMPORT_SCHEMA!r})",
            file=path,
            hint="import it again with `govern catalog import FILE`",
        )
    try:
        entries = [CatalogEntry(**entry) for entry in data.get("entries", [])]
        domains = [DomainEntry(**entry) for entry in data.get("domains", [])]
    except TypeError as error:
        raise InputError(
            f"not a govern catalogue: {error}",
            file=path,
            hint="import it again with `govern catalog import FILE`",
        ) from None
    return entries, domains


def parse_catalog(data: bytes, file: str) -> list[CatalogEntry]:
    """A catalogue file named in the configuration: Open Cookie Database CSV, YAML or JSON."""
    text = _decode(data, file)
    suffix = Path(file.split("@", 1)[0]).suffix.lower()
    if suffix == ".csv":
        return parse_open_cookie_database(text, file).entries
    if suffix == ".json":
        try:
            content = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"malformed JSON: {error.msg}", file=file, line=error.lineno) from None
        if isinstance(content, dict) and content.get("schema") == IMPORT_SCHEMA:
            try:
                return [CatalogEntry(**entry) for entry in content.get("entries", [])]
            except TypeError as error:
                raise InputError(f"not a govern catalogue: {error}", file=file) from None
        return _entries_from_data(content, file, file)
    import yaml

    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(
            f"malformed YAML: {getattr(error, 'problem', error)}",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    return _entries_from_data(content, file, file)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except IsADirectoryError:
        raise InputError("this is a directory, not a catalogue file", file=path) from None
    except PermissionError:
        raise InputError("permission denied", file=path) from None
    return _decode(data, str(path))


def _decode(data: bytes, file: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError("this is a binary file, not a catalogue", file=file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("not valid UTF-8; save the file as UTF-8", file=file, line=line) from None


@dataclass
class ImportResult:
    entries: list[CatalogEntry]
    rows: int
    problems: list[tuple[int, str]]  # (line, what is wrong)
    domains: list[DomainEntry] = field(default_factory=list)


def parse_open_cookie_database(text: str, file: str) -> ImportResult:
    """Rows of the Open Cookie Database CSV format; bad rows are reported, not fatal."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty", file=file, line=1) from None
    except csv.Error as error:
        raise InputError(f"not a CSV file: {error}", file=file, line=1) from None
    columns = {name.strip().casefold(): index for index, name in enumerate(header)}
    missing = [name for name in OCD_REQUIRED if name.casefold() not in columns]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}; "
            f"expected the Open Cookie Database header: {','.join(OCD_COLUMNS)}",
            file=file,
            line=1,
        )

    def column(row: list[str], name: str) -> str:
        index = columns.get(name.casefold())
        return row[index].strip() if index is not None and index < len(row) else ""

    source = f"the Open Cookie Database ({Path(file).name})"
    entries: list[CatalogEntry] = []
    domain_votes: dict[str, Counter[tuple[str, str, str | None]]] = {}
    problems: list[tuple[int, str]] = []
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append((reader.line_num, f"unreadable CSV: {error}"))
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if len(row) < len(header):
            problems.append((line, f"{len(row)} columns where the header has {len(header)}"))
            continue
        name = column(row, "Cookie / Data Key name")
        platform = column(row, "Platform")
        controller = column(row, "Data Controller")
        raw_category = column(row, "Category")
        wildcard = column(row, "Wildcard match") or "0"
        if not name:
            problems.append((line, "no cookie or key name"))
            continue
        if not (platform or controller):
            problems.append((line, f"{name}: no platform or data controller"))
            continue
        category = OCD_CATEGORIES.get(raw_category.casefold())
        if category is None:
            problems.append((line, f"{name}: unknown category {raw_category!r}"))
            continue
        if wildcard not in {"0", "1"}:
            problems.append((line, f"{name}: wildcard match must be 0 or 1, not {wildcard!r}"))
            continue
        owner = controller or platform
        first_party = platform.casefold() in SELF_HOSTED or owner.casefold() in SELF_HOSTED
        if not first_party:
            for host in hosts_in(column(row, "Domain")):
                votes = domain_votes.setdefault(registrable_domain(host), Counter())
                votes[(platform or controller, owner, category)] += 1
        entries.append(
            CatalogEntry(
                name=name + "*" if wildcard == "1" and not name.endswith("*") else name,
                platform=platform or controller,
                controller=owner,
                category=category,
                retention=column(row, "Retention period") or None,
                storage="cookie",
                description=column(row, "Description"),
                source=source,
                first_party=first_party,
            )
        )
    domains = [
        DomainEntry(domain, platform, controller, category, source)
        for domain, votes in sorted(domain_votes.items())
        for (platform, controller, category), _ in votes.most_common(1)
    ]
    return ImportResult(entries=entries, rows=rows, problems=problems, domains=domains)


# Suffixes under which unrelated customers get their own names (a CDN's or a host's): the company
# behind ``abc.cloudfront.net`` is not known from the name, so such hosts are kept whole.
_SHARED_SUFFIXES = frozenset(
    (
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "co.jp", "co.nz", "com.br",
        "co.in", "co.kr", "com.cn", "com.mx", "co.za", "com.tr", "com.sg",
        "cloudfront.net", "amazonaws.com", "azureedge.net", "azurewebsites.net",
        "herokuapp.com", "appspot.com", "github.io", "netlify.app", "vercel.app",
        "pages.dev", "web.app", "firebaseapp.com", "blogspot.com", "myshopify.com",
    )
)  # fmt: skip


def registrable_domain(host: str) -> str:
    """``stats.g.doubleclick.net`` → ``doubleclick.net``; ``shop.example.co.uk`` →
    ``example.co.uk``; hosts under a shared suffix keep one more label."""
    labels = host_of(host).split(".")
    for size in (3, 2):
        if len(labels) > size and ".".join(labels[-size:]) in _SHARED_SUFFIXES:
            return ".".join(labels[-size - 1 :])
    return ".".join(labels[-2:])


def import_catalog(file: Path, root: Path, name: str | None = None) -> tuple[Path, ImportResult]:
    """Import an Open Cookie Database CSV into ``$GIT_DIR/govern/catalog/<name>.json``."""
    from governance.atomic import write_atomic

    result = parse_open_cookie_database(_read_text(file), str(file))
    if not result.entries:
        listed = "; ".join(f"line {line}: {problem}" for line, problem in result.problems[:5])
        more = len(result.problems) - 5
        detail = f": {listed}" + (f"; … and {more} more" if more > 0 else "") if listed else ""
        raise InputError(
            f"no usable rows ({result.rows} rows read){detail}",
            file=file,
            line=result.problems[0][0] if result.problems else None,
        )
    stem = name or re.sub(r"[^a-z0-9._-]+", "-", file.stem.casefold()).strip("-") or "imported"
    target = import_dir(root) / f"{stem}.json"
    document = {
        "schema": IMPORT_SCHEMA,
        "source": str(file),
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "entries": [asdict(entry) for entry in result.entries],
        "domains": [asdict(entry) for entry in result.domains],
    }
    write_atomic(target, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    return target, result


# --- shared, cached per repository ------------------------------------------------------------

_cache: dict[tuple[Any, ...], Catalog] = {}


def catalog_for(config: Config | None) -> Catalog:
    """``Catalog.load`` cached while the files it reads are unchanged."""
    if config is None:
        key: tuple[Any, ...] = (None,)
    else:
        stamps = tuple((str(p), _mtime(p)) for p in imported_files(config.root))
        named = config.catalog
        if named and config.revision is None:
            stamps += ((named, _mtime(config.root / named)),)
        key = (str(config.root), config.revision, named, stamps)
    catalog = _cache.get(key)
    if catalog is None:
        catalog = Catalog.load(config)
        _cache.clear()
        _cache[key] = catalog
    return catalog


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0
