"""Settings: defaults, ``[tool.kefu-lint]`` / ``kefu-lint.toml`` discovery and validation.

The file is found by walking up from the working directory: in each directory a
``kefu-lint.toml`` wins over a ``pyproject.toml``, and a ``pyproject.toml`` without a
``[tool.kefu-lint]`` table is passed over. CLI options are applied on top by the CLI.
Unknown keys, codes and values raise ``UsageError`` naming the file: silence would hide typos.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .model import SEVERITIES
from .rules import RULES, RULES_BY_CODE

# Where rule links point when nothing says otherwise: `mkdocs serve`. In a checkout of the
# handbook, the CLI uses the published address instead (``site_url`` of mkdocs.yml).
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"


class UsageError(Exception):
    """Bad configuration or command line: reported in one line, exit code 2."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("KF",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)  # per-rule overrides
    fail_on: str = "error"
    max_length: int = 300
    first_response: int = 30  # seconds: KF601 (the seeds' 10–30 s)
    slow_reply: int = 120  # seconds: KF602 (kefu-lint's default; the seeds give no figure)
    placeholders: tuple[str, ...] = ()
    emoticons: tuple[str, ...] = ()  # extra emoticon names, e.g. a shop's own stickers
    allow: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code -> extra allowed words
    deny: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code -> extra words
    exclude: tuple[str, ...] = ()  # glob patterns skipped when walking directories
    base_url: str = DEFAULT_BASE_URL
    source: str | None = None  # the config file these settings came from

    def enabled(self, code: str) -> bool:
        return code.startswith(self.select) and not code.startswith(self.ignore)

    def severity_of(self, code: str) -> str:
        return self.severity.get(code, RULES_BY_CODE[code].severity)

    def url(self, code: str) -> str:
        return self.base_url.rstrip("/") + "/" + RULES_BY_CODE[code].page


def check_codes(values, where: str) -> tuple[str, ...]:
    """Validate rule codes or code prefixes (``KF4``) and return them upper-cased."""
    codes = []
    for value in values:
        code = str(value).strip().upper()
        if not code:
            continue
        if not any(rule.code.startswith(code) for rule in RULES):
            hint = did_you_mean(code, RULES_BY_CODE) or "（用 kefu-lint rules 查看全部规则）"
            raise UsageError(f"{where}: 未知的规则代码「{value}」{hint}")
        codes.append(code)
    return tuple(codes)


def check_severity(value: str, where: str) -> str:
    if value not in SEVERITIES:
        raise UsageError(f"{where}: 级别「{value}」无效，应为 {' / '.join(SEVERITIES)}")
    return value


def find_config(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / "kefu-lint.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and "kefu-lint" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def find_site_url(start: Path) -> str | None:
    """``site_url`` of the nearest ``mkdocs.yml`` up from ``start``: the handbook's published
    address, where a checkout of the handbook wants its rule links to point."""
    import re

    for directory in (start, *start.parents):
        candidate = directory / "mkdocs.yml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            m = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", text, re.M)
            return m.group(1) if m else None
    return None


def load_settings(path: Path | None) -> Settings:
    """Settings from a config file (``None``: the defaults)."""
    if path is None:
        return Settings()
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("kefu-lint", {})
        where = f"{path} [tool.kefu-lint]"
    else:
        where = str(path)
    return _apply(Settings(source=str(path)), data, where)


def _read_toml(path: Path) -> dict:
    import tomllib  # only when there is a config file to read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: 无法读取配置文件（{exc}）") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: TOML 格式错误：{exc}") from None


def _strings(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: 应为字符串列表")
    return tuple(value)


def _apply(settings: Settings, data: dict, where: str) -> Settings:
    changes: dict = {}
    for key, value in data.items():
        here = f"{where}: {key}"
        if key in ("select", "ignore"):
            changes[key] = check_codes(_strings(value, here), here)
        elif key == "fail-on":
            changes["fail_on"] = check_severity(value, here)
        elif key in ("max-length", "first-response", "slow-reply"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"{here}: 应为正整数")
            changes[key.replace("-", "_")] = value
        elif key in ("placeholders", "emoticons", "exclude"):
            changes[key] = _strings(value, here)
        elif key == "base-url":
            changes["base_url"] = _strings(value, here)[0]
        elif key == "severity":
            if not isinstance(value, dict):
                raise UsageError(f"{here}: 应为表，如 KF201 = \"error\"")
            changes["severity"] = {
                _one_code(code, here): check_severity(level, f"{here}.{code}")
                for code, level in value.items()
            }
        elif key == "words":
            changes.update(_words(value, here))
        else:
            raise UsageError(f"{where}: 未知的配置项「{key}」{did_you_mean(key, _KEYS)}")
    return replace(settings, **changes)


_KEYS = ("select", "ignore", "fail-on", "max-length", "first-response", "slow-reply", "placeholders", "emoticons",
         "exclude", "base-url", "severity", "words")


def did_you_mean(value: str, known) -> str:
    """「；您是不是要写 X」 for the closest known value (a typo such as fail_on), or ""."""
    from difflib import get_close_matches

    close = get_close_matches(value.replace("_", "-"), list(known), n=1, cutoff=0.6)
    return f"（您是不是要写 {close[0]}？）" if close else ""


def _one_code(code: str, where: str) -> str:
    if code.upper() not in RULES_BY_CODE:
        raise UsageError(f"{where}: 未知的规则代码「{code}」{did_you_mean(code.upper(), RULES_BY_CODE)}")
    return code.upper()


def _words(value, where: str) -> dict:
    """``[words.KF101] allow = [...]  deny = [...]``: extra words per word-list rule."""
    if not isinstance(value, dict):
        raise UsageError(f"{where}: 应为表，如 [tool.kefu-lint.words.KF101]")
    allow: dict[str, tuple[str, ...]] = {}
    deny: dict[str, tuple[str, ...]] = {}
    for code, lists in value.items():
        code = _one_code(code, where)
        if RULES_BY_CODE[code].check != "existence":
            raise UsageError(f"{where}.{code}: 该规则不使用词表，不能配置 allow / deny")
        if not isinstance(lists, dict):
            raise UsageError(f"{where}.{code}: 应为表，包含 allow 和/或 deny")
        for key, words in lists.items():
            if key not in ("allow", "deny"):
                raise UsageError(f"{where}.{code}: 未知的配置项「{key}」（应为 allow 或 deny）")
            target = allow if key == "allow" else deny
            target[code] = _strings(words, f"{where}.{code}.{key}")
    return {"allow": allow, "deny": deny}
