"""What the generated workspace's people say: message text drawn from a Zipf-distributed
vocabulary, so that search meets what a real inbox has: words in a large share of all
messages ("order", "help"), and words in a few dozen (a product code, a name).

The vocabulary is ~300 support words, most frequent first, then made-up words from
syllables for the long tail. With a Zipf exponent of 1 over 30,000 words, the word of
rank r is in roughly 1/(r * 10.9) of all words written: rank 1 in nearly every message,
rank 20 in ~5% of them, rank 20,000 in a few dozen of a million.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

_SUPPORT_TEXT = """
the to i and you a is for it my of can in we on this your have with order not that be
help please thanks hi account do are what but how if so at just when payment there
refund will get was me an would one invoice from as password us our could email shipping
like no all back any about up time new or need know see login error page delivery app
website plan team had yes card they here billing now still subscription address update
free trial discount code cancel checkout cart product price reset working issue problem
sent received today tomorrow week day hour minute ticket support agent chat reply wait
download upload file attachment photo size color return exchange warranty tracking number
package courier box damaged missing wrong item stock available soon release version
browser mobile android iphone desktop windows linux mac install settings profile name
phone verify code link expired sorry understand great perfect awesome sure okay thank
morning evening monday friday weekend holiday store location open closed hours manager
contract quote enterprise pricing seats users admin permission role invite remove delete
export import report dashboard chart integration api token webhook slack zapier calendar
sync backup restore data privacy gdpr security twofactor sms notification alert reminder
schedule appointment booking reservation table room flight hotel ticketing voucher gift
points loyalty member upgrade downgrade renew renewal charge charged twice fee tax vat
receipt statement bank transfer paypal stripe crypto currency euro dollar pound yen
"""
SUPPORT_WORDS = list(dict.fromkeys(_SUPPORT_TEXT.split()))

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "il", "on", "us")]
VOCABULARY_SIZE = 30_000
ZIPF_S = 1.0
WORDS_PER_MESSAGE = (3, 22)  # a quick "thanks!" to a paragraph about an order


def vocabulary(rng: random.Random) -> list[str]:
    """The support words, then distinct made-up words (3 syllables) up to the size."""
    words = dict.fromkeys(SUPPORT_WORDS)
    while len(words) < VOCABULARY_SIZE:
        words.setdefault("".join(rng.choices(SYLLABLES, k=3)))
    return list(words)


@dataclass
class Corpus:
    words: list[str]
    cum_weights: list[float]
    rng: random.Random

    @classmethod
    def make(cls, seed: int) -> Corpus:
        rng = random.Random(seed)  # noqa: S311 - test data, reproducible by seed
        words = vocabulary(rng)
        weights = [1 / (rank**ZIPF_S) for rank in range(1, len(words) + 1)]
        return cls(words=words, cum_weights=list(itertools.accumulate(weights)), rng=rng)

    def bodies(self, count: int) -> list[str]:
        """``count`` message bodies; drawn in one call per 10,000 (random.choices is
        fast on long runs and slow per call)."""
        out: list[str] = []
        lo, hi = WORDS_PER_MESSAGE
        while len(out) < count:
            n = min(10_000, count - len(out))
            lengths = [self.rng.randint(lo, hi) for _ in range(n)]
            flat = self.rng.choices(self.words, cum_weights=self.cum_weights, k=sum(lengths))
            at = 0
            for length in lengths:
                text = " ".join(flat[at : at + length])
                at += length
                out.append(text[0].upper() + text[1:] + ("?" if length % 4 == 0 else "."))
        return out

    def rank_band(self, first: int, last: int, count: int) -> list[str]:
        """``count`` distinct words with ranks in [first, last] (1 = most frequent)."""
        return self.rng.sample(self.words[first - 1 : last], count)
