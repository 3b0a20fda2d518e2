"""The languages episodes are written in: codes, stemmers, stop words, and a light detector.

An episode's language comes from its front matter (`language: ru`), its
feed's `<language>`, or `detect()` on its text. Search stems each episode's
words with that language's Snowball stemmer and leaves out its stop words
(bot/text.py). The detector counts stop words: no model, no data download,
a few microseconds a kilobyte.
"""

from __future__ import annotations

import re
from collections import Counter

# ISO 639-1 -> Snowball algorithm (snowballstemmer.algorithms()).
SNOWBALL = {"en": "english", "ru": "russian", "de": "german", "es": "spanish", "fr": "french",
            "pt": "portuguese", "it": "italian", "nl": "dutch", "sv": "swedish", "no": "norwegian",
            "da": "danish", "fi": "finnish", "tr": "turkish", "ro": "romanian", "hu": "hungarian",
            "pl": "polish", "cs": "czech", "el": "greek", "ca": "catalan"}

# The most frequent function words of each language we detect (and leave out of searches).
# English's own list is bot/text.py's STOPWORDS; this one only detects.
_DETECT_EN = frozenset("""
the a an and or but of to in on at for with from by about as is are was were be been it this that these those
what which who how why when where do does did have has had not no you i we they he she his her their our my your
there here will would can could should just so if than then also very more most into out up over
""".split())

STOPWORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("""
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне было вот от
меня еще ещё нет о об из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять
уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без
будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти
мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над
больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда
лучше чуть том нельзя такой им более всегда конечно всю между это эта эти также очень который которая
которые которое говорит сказал что-то кто-то как-то ли ещё чём
зачем почему какие каких каким сколько нужен нужна нужно нужны говорят рассказывает рассказал рассказали
объясняет объяснил делает делают происходит значит такое такая таком выпуске выпуск эпизод эпизоде расскажи
говорили сказали
""".split()),
    "de": frozenset("""
der die das den dem des ein eine einer eines einem einen und oder aber doch sondern denn ist sind war waren
bin bist sein seine seiner seinem seinen ihr ihre ihrem ihren ich du er sie es wir ihr man mich mir dich dir
uns euch sich nicht kein keine keinen auch noch schon nur so wie als wenn weil dass daß ob zu zum zur im in
an am auf aus bei mit nach von vor über unter durch für gegen ohne um bis hat haben hatte hatten wird werden
wurde wurden kann können konnte muss müssen soll sollen will wollen was wer wo wann warum wie welche welcher
welches dies diese dieser dieses diesem diesen jetzt hier da dort sehr mehr viel wieder immer dann also ja nein
macht machen gibt geht sagt sagen gesagt erklärt erzählt passiert bedeutet eigentlich genau folge episode
""".split()),
    "es": frozenset("""
el la los las un una unos unas y o pero que de del a al en con por para sin sobre entre desde hasta es son era
eran fue fueron ser estar está están estaba he ha han había hay yo tú él ella nosotros vosotros ellos ellas
me te se nos os le les lo su sus mi mis tu tus este esta estos estas ese esa esos esas eso esto qué quién cómo
cuándo dónde por qué porque cuando donde como muy más menos también ya no sí si ni todo toda todos todas otro
otra otros otras mismo hace puede pueden dice dijo sea
hacen dicen explica habla hablan pasa significa episodio cuál cuáles cuánto cuántos dijeron
""".split()),
    "fr": frozenset("""
le la les un une des du de d l et ou mais donc or ni car que qui quoi dont où est sont était étaient été être
avoir ai as a avons avez ont avait je tu il elle on nous vous ils elles me te se lui leur leurs mon ma mes ton
ta tes son sa ses notre nos votre vos ce cet cette ces ceci cela ça en y dans sur sous avec sans pour par
entre vers chez pas ne plus moins très aussi comme si quand comment pourquoi tout tous toute toutes autre
même fait peut dit au aux
font disent explique parle parlent passe signifie épisode quel quelle quels quelles combien est-ce qu
""".split()),
    "pt": frozenset("""
o a os as um uma uns umas e ou mas que de do da dos das em no na nos nas por pelo pela pelos pelas para com sem
sobre entre até desde é são era eram foi foram ser estar está estão estava tem têm tinha há eu tu você ele ela
nós vocês eles elas me te se nos lhe lhes seu sua seus suas meu minha meus minhas este esta estes estas esse
essa esses essas isso isto aquele aquela aquilo qual quem como quando onde porque por que muito mais menos
também já não sim se nem todo toda todos todas outro outra outros outras mesmo pode disse ao aos à às
faz fazem diz dizem explica fala falam acontece significa episódio qual quais quanto quantos disseram
""".split()),
}

DETECTED = ("en", "ru", "de", "es", "fr", "pt")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SAMPLE = 20_000  # characters of an episode's text enough to tell its language


def normalize(code: object) -> str | None:
    """Return the ISO 639-1 code for a language tag ('ru-RU', 'pt_BR', 'de'), or None when it names none."""
    if not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if re.fullmatch(r"[a-z]{2}", base) else None


def stopwords(lang: str | None) -> frozenset[str]:
    """The stop words of a language (empty for one we have no list for; English's are bot/text.py's)."""
    return STOPWORDS.get(lang or "", frozenset())


def detect(text: str, default: str = "en") -> str:
    """Guess a text's language from its stop words (and its script); `default` when nothing tells.

    Stop words are the most frequent words of any text, so a few hundred
    words decide; a question of five words often can't, and gets `default`.
    """
    tokens = _WORD.findall(text[:SAMPLE].lower())
    if not tokens:
        return default
    counts: Counter[str] = Counter()
    for w in tokens:
        if w in _DETECT_EN:
            counts["en"] += 1
        for lang, words in STOPWORDS.items():
            if w in words:
                counts[lang] += 1
    cyrillic = sum(1 for w in tokens if _CYRILLIC.search(w))
    if cyrillic * 2 > len(tokens):  # mostly Cyrillic: Russian is the one we stem
        return "ru"
    if not counts:
        return default
    (best, n), *rest = counts.most_common(2) + [("", 0)]
    # Too few stop words, or two languages tied (short mixed text): don't guess.
    if n < 2 or (rest and rest[0][1] == n):
        return default
    return best
