"""The action → roles matrix, kept as data in `data/permissions/*.yaml` (one file per app).

Each action names the roles that may take it and how it is decided:

- `roles`: role codes of `accounts.models.Role` (or `system`, the scheduled job);
- `mode`: `write` (the default: decided as of today, an ended unit's business held by its successor)
  or `read` (decided over the jurisdiction's whole period);
- `level`: `province` when the jurisdiction that covers the subject must be a province's;
- `scope`: how the subject is reached — `unit` (default: the subject's unit, organisation or person,
  as its model declares), `province` (the same with `level: province`), `participant` (only a member,
  holding one of the roles, of the subject's own organisation; on a subject with no organisation,
  the roles over its unit), `view` (a read: whoever reaches the
  subject's declared `area` unit or any unit ever below it, and the members of its organisation),
  and `team` (an inspection team's members, checked by the movements app with the roles given here);
- `label`: the Vietnamese words for the refusal ("Bạn không có quyền <label> trên địa bàn này.");
- `description`: free text.

A file may also hold `succession`: for a role whose level no longer exists, the roles that take its
workflow steps (`district_officer: {level: district, to: [programme_office, province_admin]}` — after
1/7/2025 there is no district, Nghị quyết 202/2025/QH15, so a pending 2021–2025 dossier's district
step is taken by the province). `succession()` gives it as {role: (level, roles above)}.

`load()` reads and checks every file; a mistake (an unknown role, key, mode or level; an action
defined twice; a succession of an unknown role or level, or defined twice) raises `MatrixError`
naming the file and the action. The system check `accounts.E001` runs the same checks at start-up
and also refuses action names used in code or templates that the matrix does not define, so a typo
is refused at definition time, never at the first click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

SYSTEM_ROLE = "system"
KEYS = {"roles", "label", "description", "mode", "level", "scope"}
MODES = {"read", "write"}
LEVELS = {"province", "district", "commune"}
SCOPES = {"unit", "province", "participant", "team", "view", "organisation", "any"}
_NAME = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


class MatrixError(ValueError):
    pass


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset[str]
    mode: str = "write"
    level: str = ""
    scope: str = "unit"
    label: str = ""
    source: str = ""

    @property
    def is_write(self) -> bool:
        return self.mode == "write"


def known_roles() -> set[str]:
    from chungsuc.accounts.models import Role

    return set(Role.values) | {SYSTEM_ROLE}


def parse(files: dict[str, str]) -> dict[str, Action]:
    """Pure: the text of each file (by name) → the actions, checked."""
    roles_known = known_roles()
    actions: dict[str, Action] = {}
    for name, text in sorted(files.items()):
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise MatrixError(f"{name}: không đọc được YAML ({exc})") from exc
        for action, spec in (data.get("actions") or {}).items():
            where = f"{name}: {action}"
            if not isinstance(action, str) or not _NAME.match(action):
                raise MatrixError(f"{where}: tên thao tác phải có dạng «ung_dung.thao_tac»")
            if action in actions:
                raise MatrixError(f"{where}: thao tác đã khai báo trong {actions[action].source}")
            if not isinstance(spec, dict):
                raise MatrixError(f"{where}: cần các khóa roles, mode, level, scope, label")
            unknown_keys = set(spec) - KEYS
            if unknown_keys:
                raise MatrixError(f"{where}: khóa không hợp lệ {sorted(unknown_keys)}")
            roles = spec.get("roles") or []
            if not isinstance(roles, list) or not roles:
                raise MatrixError(f"{where}: cần danh sách vai trò (roles)")
            bad = sorted(set(map(str, roles)) - roles_known)
            if bad:
                raise MatrixError(f"{where}: vai trò không tồn tại {bad}")
            mode = spec.get("mode", "write")
            if mode not in MODES:
                raise MatrixError(f"{where}: mode «{mode}» không hợp lệ (read hoặc write)")
            scope = spec.get("scope", "unit")
            if scope not in SCOPES:
                raise MatrixError(f"{where}: scope «{scope}» không hợp lệ")
            level = spec.get("level", "province" if scope == "province" else "")
            if level and level not in LEVELS:
                raise MatrixError(f"{where}: level «{level}» không hợp lệ")
            actions[action] = Action(
                name=action,
                roles=frozenset(map(str, roles)),
                mode=mode,
                level=level,
                scope=scope,
                label=str(spec.get("label") or ""),
                source=name,
            )
    return actions


SUCCESSION_KEYS = {"level", "to"}


def parse_succession(files: dict[str, str]) -> dict[str, tuple[str, frozenset[str]]]:
    """Pure: the `succession` sections of the files → {role: (level, roles that take its steps)}."""
    roles_known = known_roles() - {SYSTEM_ROLE}
    out: dict[str, tuple[str, frozenset[str]]] = {}
    where_of: dict[str, str] = {}
    for name, text in sorted(files.items()):
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise MatrixError(f"{name}: không đọc được YAML ({exc})") from exc
        section = data.get("succession") or {}
        if not isinstance(section, dict):
            raise MatrixError(f"{name}: succession: cần dạng «vai_trò: {{level: ..., to: [...]}}»")
        for role, spec in section.items():
            where = f"{name}: succession {role}"
            if role not in roles_known:
                raise MatrixError(f"{where}: vai trò không tồn tại")
            if role in out:
                raise MatrixError(f"{where}: đã khai báo trong {where_of[role]}")
            if not isinstance(spec, dict) or set(spec) - SUCCESSION_KEYS:
                raise MatrixError(f"{where}: chỉ có các khóa level, to")
            level = spec.get("level")
            if level not in LEVELS:
                raise MatrixError(f"{where}: level «{level}» không hợp lệ")
            to = spec.get("to") or []
            if not isinstance(to, list) or not to:
                raise MatrixError(f"{where}: cần danh sách vai trò tiếp nhận (to)")
            bad = sorted(set(map(str, to)) - roles_known)
            if bad:
                raise MatrixError(f"{where}: vai trò không tồn tại {bad}")
            out[role] = (level, frozenset(map(str, to)))
            where_of[role] = name
    return out


def _files() -> dict[str, str]:
    folder = Path(settings.DATA_DIR) / "permissions"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))}


@lru_cache(maxsize=1)
def load() -> dict[str, Action]:
    return parse(_files())


@lru_cache(maxsize=1)
def succession() -> dict[str, tuple[str, frozenset[str]]]:
    """{role: (level, roles above)}: who takes the steps of a level that no longer exists."""
    return parse_succession(_files())


def action(name: str) -> Action:
    """The action named `name`; an unknown name is a programming error, refused loudly."""
    try:
        return load()[name]
    except KeyError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"Thao tác «{name}» không có trong data/permissions/*.yaml") from None


def roles_for(name: str) -> frozenset[str]:
    return action(name).roles


# --- the system check --------------------------------------------------------------------------------

# Calls of the permission layer with a literal action name, in code and in templates.
_USE_PY = re.compile(
    r"""\b(?:can|require|restrict|get_or_404|roles_for|action|may|allowed)\(\s*(?:[\w.]+\s*,\s*){0,2}["']([a-z][a-z_]*(?:\.[a-z][a-z_]*)+)["']"""
)
_USE_TPL = re.compile(r"""\{%\s*can\s+["']([^"']+)["']""")


def used_actions() -> dict[str, str]:
    """Action names the source uses (name → first file), found by their call sites."""
    root = Path(__file__).resolve().parent.parent
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if "tests" in path.parts or "migrations" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            pattern = _USE_PY
        elif path.suffix == ".html":
            pattern = _USE_TPL
        else:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "can" not in text and "require" not in text and "restrict" not in text:
            continue
        for m in pattern.finditer(text):
            found.setdefault(m.group(1), str(path.relative_to(root)))
    return found


def check(app_configs=None, **kwargs):
    from django.core.checks import Error

    errors = []
    try:
        files = _files()
        actions = parse(files)
        parse_succession(files)
    except MatrixError as exc:
        return [Error(f"data/permissions/{exc}", id="accounts.E001")]
    for name, where in used_actions().items():
        if name not in actions:
            errors.append(
                Error(
                    f"{where}: thao tác «{name}» không có trong data/permissions/*.yaml", id="accounts.E002"
                )
            )
    return errors
