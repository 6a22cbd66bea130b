"""The vocabulary of the linter: rules (metadata, levels), findings, and the rule registry."""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("error", "warning", "off")
ALL_PROVIDERS = ("postgresql", "mysql", "sqlite")


@dataclass(frozen=True)
class Rule:
    """A lint rule: a stable id, a default level, what it says and what to do instead."""

    id: str
    level: str  # the default level: "error", "warning" or "off"
    message: str  # why the statement is a problem
    help: str  # what to do instead
    providers: tuple[str, ...] = ("postgresql",)
    squawk: tuple[str, ...] = ()  # squawk's rules covering the same ground


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    message: str
    help: str
    statement: int  # index of the statement in its file (0-based), -1 for the file itself

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "level": self.level,
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "help": self.help,
            "statement": self.statement,
        }


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, rule: Rule) -> Rule:
        assert rule.id not in self.rules, rule.id
        assert rule.level in LEVELS, rule
        self.rules[rule.id] = rule
        return rule

    def resolve(self, rule_id: str) -> tuple[str, ...]:
        """The rule ids a name stands for (an alias names several); empty when unknown."""
        if rule_id in self.rules:
            return (rule_id,)
        return self.aliases.get(rule_id, ())

    def for_provider(self, provider: str) -> list[Rule]:
        return [r for r in self.rules.values() if provider in r.providers]


REGISTRY = Registry()


def rule(
    id: str,
    level: str,
    message: str,
    help: str,
    providers: tuple[str, ...] = ("postgresql",),
    squawk: tuple[str, ...] = (),
) -> str:
    """Register a rule and return its id (rule modules keep the id in a constant)."""
    REGISTRY.add(Rule(id, level, message, help, providers, squawk))
    return id
