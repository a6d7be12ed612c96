"""A generated family of near-copies: one dated source story and its lightly edited copies,
written as files (for the family stage's end-to-end tests); no network, no randomness."""

from __future__ import annotations

from pathlib import Path

PARAGRAPHS = (
    "The regional water authority approved a plan on Tuesday to rebuild the aging reservoir "
    "dam above Millbrook, after engineers warned that seepage through the northern wall had "
    "doubled since the spring floods. The project is expected to cost about 48 million "
    "dollars and take three years to finish.",
    "Residents packed the council chamber for the vote, and several farmers argued that the "
    "construction traffic would ruin the narrow valley roads during the harvest season. The "
    "authority promised to build a temporary bypass along the old railway embankment before "
    "any heavy trucks arrive.",
    "Chief engineer Marta Lindqvist told the board that sensors installed last year showed "
    "the concrete was still sound, but the earthen shoulder had begun to slump near the spillway "
    "gates. She said a controlled drawdown of the lake would begin in October and continue "
    "through the winter months.",
    "Anglers and the local rowing club will lose access to most of the shoreline while the "
    "water level is lowered. The authority said it would stock the downstream ponds with trout "
    "and open a new launch ramp at the eastern inlet to make up for the closure.",
    "Funding will come partly from a federal infrastructure grant awarded in March, with the "
    "remainder raised through a small surcharge on household water bills over the next decade. "
    "Opponents on the board said the surcharge would fall hardest on pensioners and families "
    "with large gardens.",
)

EDITS = (
    ("approved", "backed"),
    ("warned", "cautioned"),
    ("packed", "crowded into"),
    ("argued", "complained"),
    ("promised", "pledged"),
    ("showed", "indicated"),
    ("slump", "sag"),
    ("lose access to", "be shut out of"),
    ("stock", "restock"),
    ("hardest", "heaviest"),
)

UNRELATED = (
    "The city library will extend its weekend opening hours from next month, the mayor's "
    "office announced, after a survey found that students struggled to find quiet places to "
    "study during examinations. Volunteers will staff the reading rooms on Sunday afternoons.",
    "A touring exhibition of Byzantine mosaics opens at the provincial museum on Friday, with "
    "pieces lent by collections in Ravenna and Thessaloniki. Curators spent two years restoring "
    "the fragile glass tesserae before the panels could travel.",
)


def copy_text(k: int) -> str:
    """Copy ``k`` (0 is the source): two words of the story changed, different ones in each."""
    text = "\n\n".join(PARAGRAPHS)
    if k:
        for old, new in (EDITS[k % len(EDITS)], EDITS[(k * 3 + 1) % len(EDITS)]):
            text = text.replace(old, new, 1)
    return text


def write_family(folder: Path, copies: int = 59) -> list[Path]:
    """The source (``source.md``, dated earliest), ``copies`` near-copies dated after it,
    and two unrelated stories, as Markdown files with front matter; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(copies + 1):
        name = "source.md" if k == 0 else f"copy-{k:03d}.md"
        day = 1 + k % 27 if k else 1
        date = f"2024-03-{day:02d}" if k == 0 else f"2024-04-{day:02d}"
        body = f"---\ntitle: Millbrook dam to be rebuilt\ndate: {date}\n---\n\n{copy_text(k)}\n"
        path = folder / name
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    for k, text in enumerate(UNRELATED):
        path = folder / f"other-{k}.md"
        path.write_text(f"---\ntitle: Other news {k}\ndate: 2024-05-01\n---\n\n{text}\n")
        paths.append(path)
    return paths
