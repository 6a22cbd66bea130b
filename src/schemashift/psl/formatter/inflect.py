"""Names for the relation fields ``prisma format`` adds: the camelCase and plural rules of the
``cruet`` crate (Rails-style inflections) that prisma-engines uses."""

from __future__ import annotations

import re

_UNCOUNTABLE = frozenset(
    """accommodation adulthood advertising advice aggression aid air aircraft alcohol anger applause
    arithmetic assistance athletics bacon baggage beef biology blood botany bread butter carbon
    cardboard cash chalk chaos chess crossroads countryside dancing deer dignity dirt dust economics
    education electricity engineering enjoyment envy equipment ethics evidence evolution fame fiction
    flour flu food fuel fun furniture gallows garbage garlic genetics gold golf gossip grammar
    gratitude grief guilt gymnastics happiness hardware harm hate hatred health heat help homework
    honesty honey hospitality housework humour hunger hydrogen ice importance inflation information
    innocence iron irony jam jewelry judo karate knowledge lack laughter lava leather leisure
    lightning linguine linguini linguistics literature litter livestock logic loneliness luck luggage
    macaroni machinery magic management mankind marble mathematics mayonnaise measles methane milk
    money mud music mumps nature news nitrogen nonsense nurture nutrition obedience obesity oxygen
    pasta patience physics poetry pollution poverty pride psychology publicity punctuation quartz
    racism relaxation reliability research respect revenge rice rubbish rum safety scenery seafood
    seaside series shame sheep shopping sleep smoke smoking snow soap software soil spaghetti species
    steam stuff stupidity sunshine symmetry tennis thirst thunder timber traffic transportation trust
    underwear unemployment unity validity veal vegetation vegetarianism vengeance violence vitality
    warmth wealth weather welfare wheat wildlife wisdom yoga zinc zoology""".split()
)

_SPECIAL = {
    "ox": "oxen",
    "man": "men",
    "woman": "women",
    "die": "dice",
    "yes": "yeses",
    "foot": "feet",
    "eave": "eaves",
    "goose": "geese",
    "tooth": "teeth",
    "quiz": "quizzes",
}

# (pattern, replacement for everything after group 1); the last matching rule wins.
_RULES = [
    (re.compile(pattern), suffix)
    for pattern, suffix in (
        (r"(\w*)s$", "s"),
        (r"(\w*([^aeiou]ese))$", ""),
        (r"(\w*(ax|test))is$", "es"),
        (r"(\w*(alias|[^aou]us|tlas|gas|ris))$", "es"),
        (r"(\w*(e[mn]u))s?$", "s"),
        (r"(\w*([^l]ias|[aeiou]las|[emjzr]as|[iu]am))$", ""),
        (
            r"(\w*(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat))(?:us|i)$",
            "i",
        ),
        (r"(\w*(alumn|alg|vertebr))(?:a|ae)$", "ae"),
        (r"(\w*(seraph|cherub))(?:im)?$", "im"),
        (r"(\w*(her|at|gr))o$", "oes"),
        (
            r"(\w*(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi"
            r"|curricul|automat|quor))(?:a|um)$",
            "a",
        ),
        (
            r"(\w*(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat))(?:a|on)$",
            "a",
        ),
        (r"(\w*)sis$", "ses"),
        (r"(\w*(kni|wi|li))fe$", "ves"),
        (r"(\w*(ar|l|ea|eo|oa|hoo))f$", "ves"),
        (r"(\w*([^aeiouy]|qu))y$", "ies"),
        (r"(\w*([^ch][ieo][ln]))ey$", "ies"),
        (r"(\w*(x|ch|ss|sh|zz)es)$", ""),
        (r"(\w*(x|ch|ss|sh|zz))$", "es"),
        (r"(\w*(matr|cod|mur|sil|vert|ind|append))(?:ix|ex)$", "ices"),
        (r"(\w*(m|l))(?:ice|ouse)$", "ice"),
        (r"(\w*(pe))(?:rson|ople)$", "ople"),
        (r"(\w*(child))(?:ren)?$", "ren"),
        (r"(\w*eaux)$", ""),
    )
][::-1]


def to_plural(word: str) -> str:
    if word in _UNCOUNTABLE:
        return word
    special = _SPECIAL.get(word)
    if special is not None:
        return special
    for pattern, suffix in _RULES:
        m = pattern.search(word)
        if m is not None:
            return m.group(1) + suffix
    return word + "s"


def to_camel_case(text: str) -> str:
    """cruet's ``to_camel_case``: words split at non-alphanumerics and lower-to-upper changes."""
    end = len(text)
    while end and not text[end - 1].isalnum():
        end -= 1
    out: list[str] = []
    new_word = False
    found = False
    last = " "
    for ch in text[:end]:
        if not ch.isalnum():
            if found:
                new_word = True
            continue
        found = True
        if ch.isnumeric():
            new_word = True
            out.append(ch)
        elif new_word or (last.islower() and ch.isupper()):
            new_word = False
            out.append(ch.upper() if ch.isascii() else ch)
        else:
            last = ch
            out.append(ch.lower() if ch.isascii() else ch)
    return "".join(out)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
