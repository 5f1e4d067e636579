"""Reading YAML and JSON input safely, with line numbers so errors can point at them.

Every reading command goes through `read_text`, `load_yaml`, `load_json` or `load_data`.
They refuse, with one `AturanError` naming the file and (where known) the line:

- a missing file, a folder, a file that cannot be read, text that is not UTF-8, an empty file
  (a UTF-8 byte order mark is accepted and dropped, as spreadsheet programs write one);
- malformed YAML or JSON, and numbers Python cannot hold (over 4300 digits);
- nesting deeper than `MAX_DEPTH` levels, checked while the document is composed, before
  anything is built from it;
- YAML keys that are not plain scalars (`? [a, b]`), and a key given twice in one mapping
  (YAML and JSON): the first value is never silently replaced by the second;
- JSON `NaN`/`Infinity`;
- YAML aliases (`*name`) in case and cohort files (`allow_aliases=False`): a few hundred bytes
  of aliases can stand for billions of nodes. Golden and rule files may use aliases and
  merge keys, but their expanded size is counted on the composed node graph (each node once)
  and refused above `MAX_EXPANDED_NODES`, before it is built.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from aturan.errors import AturanError

MAX_DEPTH = 50
"""Deepest nesting of mappings and lists accepted in any YAML or JSON input (a case needs 5)."""
MAX_EXPANDED_NODES = 200_000
"""Most nodes a YAML file may stand for once its aliases are expanded (the golden files need <
10,000)."""


_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


class LineDict(dict[Any, Any]):
    """A mapping that knows the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: object) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0


class _Refused(yaml.MarkedYAMLError):
    """A structural refusal (depth, alias, key) raised while composing or constructing."""

    def __init__(self, problem: str, mark: yaml.error.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


try:  # libyaml scans and parses about six times faster than PyYAML's pure-Python code
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _Base(Composer, _Parser, SafeConstructor, Resolver):
    """libyaml's scanner and parser under PyYAML's own composer: composing stays in Python, so
    `_Loader.compose_node` checks depth and aliases as each node is composed, before any is
    built."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)


class _Loader(_Base):
    allow_aliases = True

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent) and not self.allow_aliases:
            event: Any = self.peek_event()
            raise _Refused(
                f"alias '*{event.anchor}' tidak diizinkan di berkas ini; tulis nilainya secara "
                "lengkap",
                event.start_mark,
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            deepest: Any = self.peek_event()
            raise _Refused(f"struktur bersarang lebih dari {MAX_DEPTH} tingkat", deepest.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _NoAliasLoader(_Loader):
    allow_aliases = False


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(
                "kunci mapping harus berupa teks biasa, bukan daftar atau mapping (kunci kompleks "
                "'?')",
                key_node.start_mark,
            )
        key = loader.construct_object(key_node)
        if key in seen:
            raise _Refused(
                f"kunci '{key}' muncul dua kali dalam satu mapping (pertama di baris {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused("kunci mapping harus berupa teks biasa", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    seq = LineList(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1
    return seq


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> date | str:
    """An impossible date such as 2025-13-40 stays text, so validation can name it instead of
    crashing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


# types-PyYAML types add_constructor for its own loader classes only (a type variable bound to them)
for _cls in (_Loader, _NoAliasLoader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[type-var]
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)  # type: ignore[type-var]
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)  # type: ignore[type-var]


def read_text(path: Path | str, error: type[AturanError] = AturanError) -> str:
    """The file as text; refuses a missing file, a folder, unreadable, non-UTF-8 or empty
    content."""
    path = Path(path)
    if path.is_dir():
        raise error("ini sebuah folder, bukan berkas", file=str(path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("berkas tidak ditemukan", file=str(path)) from None
    except PermissionError:
        raise error("berkas tidak dapat dibaca (izin ditolak)", file=str(path)) from None
    except OSError as exc:
        raise error(f"berkas tidak dapat dibaca ({exc.strerror or exc})", file=str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            f"berkas bukan teks UTF-8 (bita ke-{exc.start + 1} tidak dapat dibaca); simpan sebagai "
            "UTF-8",
            file=str(path),
            line=line,
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise error("berkas kosong", file=str(path))
    return text


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Nodes the graph stands for with every alias expanded; each distinct node is visited once."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a cycle counts once instead of looping
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def _refuse_unprintable(text: str, path: Path, error: type[AturanError]) -> None:
    """A character YAML does not allow (NUL, most controls), named with its line, before parsing."""
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        raise error(
            f"YAML tidak valid: karakter U+{ord(bad.group()):04X} tidak diizinkan dalam teks YAML",
            file=str(path),
            line=text[: bad.start()].count("\n") + 1,
        )


def load_yaml(
    path: Path | str, error: type[AturanError] = AturanError, *, allow_aliases: bool = True
) -> Any:
    """Load a YAML file with line numbers; anything refused raises `error` naming file and line."""
    path = Path(path)
    text = read_text(path, error)
    _refuse_unprintable(text, path, error)
    loader = (_Loader if allow_aliases else _NoAliasLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error("berkas kosong", file=str(path))
        if allow_aliases and _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise error(
                f"alias di berkas ini mengembang menjadi lebih dari {MAX_EXPANDED_NODES:,} "
                "simpul".replace(",", "."),
                file=str(path),
            )
        return loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        raise error(f"YAML tidak valid: {exc.reason}", file=str(path)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        if problem == _LIBYAML_TOO_DEEP:  # libyaml's own limit, deeper than ours, met first
            problem = f"struktur bersarang lebih dari {MAX_DEPTH} tingkat"
        raise error(f"YAML tidak valid: {problem}", file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML tidak valid: {exc}", file=str(path)) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise error(f"YAML tidak dapat dibaca: {exc}", file=str(path)) from None
    finally:
        loader.dispose()


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _BadConstant(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _no_constant(name: str) -> NoReturn:
    raise _BadConstant(name)


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend(
                (child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def _bracket_depth(text: str) -> tuple[int, int]:
    """(deepest bracket nesting, line where it is first exceeded), strings skipped: checked before
    parsing."""
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return depth, line
        elif char in "]}":
            depth -= 1
    return depth, line


def load_json(path: Path | str, error: type[AturanError] = AturanError) -> Any:
    """Load a JSON file; refuses duplicate keys, NaN/Infinity and nesting over MAX_DEPTH, naming the
    line."""
    path = Path(path)
    return parse_json(read_text(path, error), str(path), error)


def parse_json(text: str, name: str | None = None, error: type[AturanError] = AturanError) -> Any:
    """JSON text (a file's or a request's body, `name` naming it in messages) parsed as load_json
    parses a file: duplicate keys, NaN/Infinity and nesting over MAX_DEPTH are refused."""
    path = name

    def too_deep() -> AturanError:
        line = _bracket_depth(text)[1]  # the slow character scan runs only for a refused file
        return error(f"struktur bersarang lebih dari {MAX_DEPTH} tingkat", file=path, line=line)

    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
        if _depth(data) > MAX_DEPTH:
            raise too_deep()
        return data
    except RecursionError:  # the C parser's own guard, far below the stack limit
        raise too_deep() from None
    except json.JSONDecodeError as exc:
        raise error(f"JSON tidak valid: {exc.msg}", file=path, line=exc.lineno) from None
    except _DuplicateKey as exc:
        matches = [m for m in re.finditer(re.escape(json.dumps(exc.key)) + r"\s*:", text)]
        line = text[: matches[1].start()].count("\n") + 1 if len(matches) > 1 else None
        raise error(
            f"kunci '{exc.key}' muncul dua kali dalam satu objek JSON", file=path, line=line
        ) from None
    except _BadConstant as exc:
        match = re.search(r"(?<![\w\"])-?" + exc.name.lstrip("-") + r"(?![\w\"])", text)
        line = text[: match.start()].count("\n") + 1 if match else None
        raise error(
            f"nilai {exc.name} tidak diizinkan; angka harus terhingga", file=path, line=line
        ) from None
    except ValueError as exc:
        raise error(f"JSON tidak dapat dibaca: {exc}", file=path) from None


MAX_UNZIPPED = 50_000_000
"""Bytes an XLSX or DOCX may unpack to before its compression ratio is checked."""
MAX_ZIP_RATIO = 100
"""Unpacked size over packed size above which a zip (XLSX, DOCX) over MAX_UNZIPPED is refused as a
zip bomb."""


def check_zip(path: Path | str, error: type[AturanError] = AturanError) -> None:
    """Refuse a zip container (XLSX, DOCX) that would unpack to far more than it holds, from its
    directory alone, before anything is unpacked. Not a zip at all is left to the reader to name."""
    import zipfile

    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if unpacked > MAX_UNZIPPED and unpacked > MAX_ZIP_RATIO * max(path.stat().st_size, 1):
        raise error(
            f"berkas ini akan mengembang menjadi {unpacked:,} bita dari {path.stat().st_size:,} "
            f"bita (lebih dari {MAX_ZIP_RATIO} kali); ditolak sebagai bom zip".replace(",", "."),
            file=str(path),
        )


def load_data(
    path: Path | str, error: type[AturanError] = AturanError, *, allow_aliases: bool = True
) -> Any:
    """A .json file as JSON, anything else as YAML."""
    if Path(path).suffix.lower() == ".json":
        return load_json(path, error)
    return load_yaml(path, error, allow_aliases=allow_aliases)


def line_of(node: object, key: object = None) -> int | None:
    if isinstance(node, LineDict):
        return node.line_of(key) if key is not None else node.line
    return getattr(node, "line", None)
