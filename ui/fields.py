"""Form fields as data, drawn by the ``field`` macro of ``ui/templates/_macros/form.html``
(label tied to its control, the French error next to it, the value kept after an error)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Select:
    name: str
    label: str
    options: tuple[tuple[str, str], ...]
    """(value, French label)."""
    chosen: str
    id: str
    kind: str = "select"
    hint: str | None = None
    required: bool = False


@dataclass(frozen=True)
class TextInput:
    """A text, date, number, password… field."""

    name: str
    label: str
    value: str
    id: str
    type: str = "text"
    pattern: str | None = None
    size: int | None = None
    kind: str = "input"
    required: bool = False
    hint: str | None = None
    autocomplete: str | None = None


@dataclass(frozen=True)
class Checkbox:
    name: str
    label: str
    checked: bool
    id: str
    kind: str = "checkbox"
    hint: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Hidden:
    name: str
    value: str
    kind: str = "hidden"


Field = Select | TextInput | Checkbox | Hidden


@dataclass(frozen=True)
class TextArea:
    name: str
    label: str
    value: str
    id: str
    rows: int = 4
    hint: str | None = None
    required: bool = False
    kind: str = "textarea"


Control = Select | TextInput | Checkbox | TextArea | Hidden
"""Any field a back-office form can hold."""
