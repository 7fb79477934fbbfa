"""Cheap evidence of a text's language: its script and its commonest words.

The word lists hold function words and the words every public site repeats (menus,
breadcrumbs, listen buttons). A character model is weak on one or two words; these words
are where short blocks on real pages come from ("Du är här:", "Lyssna", "Kontakta oss").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache

from reader.langtag import primary

# Languages written in a script other than Latin, by the first word of Unicode's char names.
SCRIPT_OF_LANGUAGE = {
    "ar": "ARABIC", "fa": "ARABIC", "ur": "ARABIC", "ps": "ARABIC", "ckb": "ARABIC",
    "ru": "CYRILLIC", "uk": "CYRILLIC", "bg": "CYRILLIC", "mk": "CYRILLIC", "sr": "CYRILLIC",
    "be": "CYRILLIC", "kk": "CYRILLIC", "el": "GREEK", "he": "HEBREW", "yi": "HEBREW",
    "zh": "CJK", "ja": "CJK", "ko": "HANGUL", "hi": "DEVANAGARI", "mr": "DEVANAGARI",
    "ne": "DEVANAGARI", "th": "THAI", "ka": "GEORGIAN", "hy": "ARMENIAN", "am": "ETHIOPIC",
    "ti": "ETHIOPIC", "ta": "TAMIL", "bn": "BENGALI",
}  # fmt: skip
# Languages langdetect knows per script: what a text in a script none of the site's
# languages uses is told apart by, rather than misread as one of them.
SCRIPT_FALLBACK = {
    "ARABIC": ("ar", "fa", "ur"), "CYRILLIC": ("ru", "uk", "bg", "mk"), "GREEK": ("el",),
    "HEBREW": ("he",), "CJK": ("zh", "ja"), "HIRAGANA": ("ja",), "KATAKANA": ("ja",),
    "HANGUL": ("ko",), "DEVANAGARI": ("hi", "mr", "ne"), "THAI": ("th",), "TAMIL": ("ta",),
    "BENGALI": ("bn",), "LATIN": ("en",),
}  # fmt: skip

# Most blocks are plain ASCII, whose script needs no per-character look-up; of the others,
# the first few hundred characters tell the script.
ASCII_LETTER = re.compile("[A-Za-z]")
SCRIPT_SAMPLE = 400

_SV = """och i att det som en på är av för med till den har de inte om ett han men var jag
sig från vi så kan man när år säger hon under också efter eller nu sin där vid mot ska skulle
kommer ut får finns vara hade alla andra mycket än här då sedan över bara in blir upp även vad
två vill ha många hur mer går detta nya hans utan sina något allt första fick måste mellan
blev bli dag någon några sitt stora varit dem bland bra tre genom hela annat fram gör ingen
göra enligt mig dig redan inom kom du helt ju samma kanske själv oss tidigare denna både tid
kunna fått stor olika ser flera gäller honom henne hennes aldrig barn varje lite sätt just väl
åt varför vem vilka vilken vilket vår våra ert era dessa hos hit dit alltså därför ännu igen
nästa nog ändå kunde bör skall fast dock samt hon ni jag ett inget allt många lilla små nytt
gammal gamla dessutom tillsammans sådan sådana annan varandra antingen någonting ingenting
säga ta få gå komma vilja behöver idag igår imorgon hemma arbete hjälp fråga sida sidan
sverige svensk svenska svenskt kronor procent kommun kommunen kommunens landsting län
lyssna sök sökning meny startsida kontakta kontakt nyheter hem tillgänglighet webbplatsen
webbplats kakor dela skriv läs mer tipsa senast uppdaterad ändrad publicerad telefon adress
öppettider stäng visa dölj lediga jobb invånare näringsliv bygga bo miljö skola förskola
omsorg stöd kultur fritid trafik internationellt samarbete språk välj översätt region stad
här ansök ansökan blanketter tjänster kontaktcenter e-tjänster"""
_NB = """og i det er som en på å av for med til den har de ikke om et han men var jeg seg fra
vi så kan man når år sier hun under også etter eller nå sin der ved mot skal skulle kommer ut
får finnes være hadde alle andre mye enn her da siden over bare inn blir opp vil ha mange
hvordan mer går dette nye hans uten sine noe alt første fikk må mellom ble bli dag noen stor
store vært dem blant bra tre gjennom hele annet fram gjør ingen gjøre ifølge meg deg allerede
innen kom du helt jo samme kanskje selv oss tidligere denne både tid kunne fått forskjellige
ser flere gjelder ham henne hennes aldri barn hver litt måte hvor hva hvem hvis hvorfor vår
våre deres disse hos altså derfor ennå igjen neste nok likevel bør dog samt dere noe
nytt gammel gamle dessuten sammen slik slike annen hverandre enten ingenting si ta
få gå komme ville trenger hjemme arbeid hjelp spørsmål side siden norge norsk norske kroner
prosent kommune kommunen kommunens fylke fylkeskommune lytt lytte les høyt søk meny forside
hjem kontakt kontakt nyheter tilgjengelighet nettstedet nettside informasjonskapsler del
skriv mer sist oppdatert endret publisert telefon adresse åpningstider lukk vis skjul ledige
stillinger innbyggere næringsliv bolig miljø skole barnehage omsorg helse kultur fritid
samferdsel språk velg oversett by søknad søk skjema tjenester"""
_NN = """og i det er som ein på å av for med til den har dei ikkje om eit han men var eg seg frå
vi så kan når år seier ho under òg også etter eller no sin der ved mot skal skulle kjem ut får
finst vere hadde alle andre mykje enn her då sidan over berre inn blir opp vil ha mange korleis
meir går dette nye hans utan sine noko alt første fekk må mellom vart bli dag nokon stor store
vore blant bra tre gjennom heile anna fram gjer ingen gjere ifølgje meg deg allereie kom du
heilt jo same kanskje sjølv oss tidlegare denne både tid kunne fått ulike ser fleire gjeld
aldri born barn kvar litt måte kvifor kva kven viss vår våre desse hjå difor enno igjen neste
nok likevel saman slik anna kvarandre heime arbeid hjelp spørsmål side noreg norsk kommune
kommunen fylke lytt høyr søk meny framside heim kontakt nyheiter tilgjenge nettstaden skriv
sist oppdatert endra publisert telefon adresse opningstider lukk vis skjul ledige stillingar
innbyggjarar næringsliv bustad miljø skule barnehage omsorg helse kultur fritid"""
_DA = """og i at det er som en på af for med til den har de ikke om et han men var jeg sig fra vi
så kan man når år siger hun under også efter eller nu sin der ved mod skal skulle kommer ud
får findes være havde alle andre meget end her da siden over kun ind bliver op vil have mange
hvordan mere går dette nye hans uden sine noget alt første fik mellem blev blive dag nogen
stor store været dem blandt god tre gennem hele andet frem gør ingen gøre ifølge mig dig
allerede inden kom du helt jo samme måske selv os tidligere denne både tid kunne fået
forskellige ser flere gælder ham hende hendes aldrig børn hver lidt måde hvor hvad hvem hvis
hvorfor vores jeres disse hos derfor endnu igen næste nok alligevel sammen sådan anden
hinanden hjemme arbejde hjælp spørgsmål side danmark dansk danske kroner procent kommune
kommunen region lyt læs op søg menu forside hjem kontakt nyheder tilgængelighed"""
_EN = """the of and to a in is it you that he was for on are with as i his they be at one have
this from or had by not but what some we can out other were all there when up use your how
said an each she which do their time if will way about many then them would like so these her
make see him two has more day could go come did no most people my over know than call first
who may down been now find any new work part take get place made live where after back little
only man year came show every good me give our under name very through just great think say
help before right old too same tell does set three want well also end put home read here must
such why ask went kind off need try us again its should because while between both being those
into up out during without against among within across since until upon whether though
although however therefore thus yet still already often always never sometimes something
nothing everything anything someone everyone anyone here there today tomorrow yesterday
year years people children family city town country world government council services
information please more less most least much many few own same different important local
public social international national new old large small high long great little good best
listen search menu contact news about share print skip content accessibility cookies privacy
page updated published email address opening hours close hide jobs residents business housing
environment school care health culture leisure transport cooperation municipality county
language select translate apply application forms contact us main"""
_FI = """ja on ei se että hän oli ovat olla mutta kun niin myös tai jos kuin mitä sen sitä tämä
tämän nämä ne he me te minä sinä hänen heidän meidän teidän joka jotka mikä kuka missä mistä
mihin miten miksi nyt vielä jo sitten kanssa ennen jälkeen aikana mukaan vuonna vuoden vuotta
kaksi kolme yksi paljon hyvin aina koska vain kaikki muut olen olet olemme olette olivat ollut
ole voi voidaan pitää tulee tulla saada sekä eli noin yli alle kautta lisäksi jotta jopa
kuitenkin siis sekä ilman myöhemmin tänään huomenna eilen täällä siellä tässä siinä joku
jokin jokainen kukaan mitään muuta uusi uuden suuri hyvä pieni kunta kunnan kaupunki
kaupungin kuuntele haku hae valikko etusivu yhteystiedot ota yhteyttä uutiset tietoa meistä
saavutettavuus evästeet jaa tulosta lue lisää päivitetty julkaistu sähköposti osoite puhelin
aukioloajat sulje näytä piilota avoimet työpaikat asukkaat elinkeino asuminen ympäristö koulu
varhaiskasvatus terveys kulttuuri liikenne suomi suomeksi kieli valitse palvelut palvelu"""
_DE = """der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch
es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so
zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei ihr wir ich du können
kann hatte schon wenn dann diese dieser dieses unter sehr doch seine ihre seinen ihren gegen
jetzt immer zwei drei neue neuen ohne wieder wo was wer warum weil also nun ob zwischen sowie
damit dabei gibt mich mir dich dir uns euch hier heute morgen gestern jahr jahre jahren
ganz viel viele vielen etwas nichts alles alle allen andere anderen anderer eines einem
jedoch bereits sondern während wurden worden gewesen soll sollen muss müssen darf will wollen
stadt gemeinde vorlesen anhören suche menü startseite kontakt nachrichten aktuelles
barrierefreiheit datenschutz teilen drucken weiterlesen erfahren aktualisiert
veröffentlicht telefon adresse öffnungszeiten schließen anzeigen ausblenden stellenangebote
bürger bürgerinnen wirtschaft wohnen umwelt schule gesundheit kultur freizeit verkehr
sprache deutsch seite impressum"""
_AR = """في من على إلى أن عن مع هذا هذه التي الذي كان قد لا ما هو هي كل بين بعد قبل أو ثم لم لن
إن كما عند حتى ذلك تلك هناك نحن أنا أنت هم يوم عام وقد وهو وفي ومن استمع بحث القائمة الرئيسية
اتصل بنا الأخبار البلدية اقرأ المزيد مشاركة طباعة اللغة العربية"""
_SO = """waa iyo ka ku in u oo ah ee la soo ay aan uu ayaa si wax ugu kale sida laga loo ahaa
ahayd jira jiray waxaa waxay wuxuu isaga iyada iyaga anaga annaga adiga aniga kuwa kuwaas tan
taas kan kaas halkan halkaas maxaa sababtoo markii marka hadii haddii laakiin sidoo xitaa intii
kadib kahor dhexe dhex hal laba saddex badan yar weyn wanaagsan dhageyso dhegeyso raadi
raadin liiska bogga hore xiriir nala wararka nagu saabsan degmada dowladda hoose akhri
dheeraad wadaag daabac af soomaali luqadda iska kula kaga uga ugu waxa wixii hadda weli
mar kasta dhammaan qof dad dadka sanad sanadka maanta berri shalay magaalada"""
_FR = """le la les de des du un une et est en que qui dans pour pas sur au aux avec ce cette ces
il elle ils nous vous je ne se sont par plus mais ou son sa ses leur être avoir fait tout très
écouter rechercher accueil contact actualités"""
_ES = """el la los las de del un una y es en que por para con no se su sus al lo como más pero
este esta son fue ha muy también escuchar buscar inicio contacto noticias"""

# Spellings that give a language away where a character trigram cannot see far enough
# ("tion" against "sjon") or weighs a rare letter too lightly: (pattern, languages).
SPELLINGS = tuple(
    (re.compile(pattern), frozenset(langs.split()))
    for pattern, langs in (
        (r"tion", "sv en de da fr"),
        (r"sjon", "nb nn no"),
        (r"ck", "sv en de"),
        (r"sch", "de"),
        (r"tz|pf|ß|ü|äu", "de"),
        (r"ei", "de nb nn no fi"),
        (r"øy|\bhv|\bgj|\bkj", "nb nn no da"),
        (r"[æø]", "nb nn no da"),
        (r"å", "sv nb nn no da"),
        (r"[äö]", "sv fi de"),
        (r"ää|öö|yy", "fi"),
        (r"\b[ld]j|ej\b", "sv"),
        (r"[aoe]rna\b|era\b|iska?\b|iskt\b", "sv"),
        (r"ere\b", "nb nn no da de"),
        (r"iske\b", "nb nn no da"),
        (r"isch|lich|keit|heit|schaft|ung(?:en)?\b|chen\b", "de"),
        (r"ness\b|ment\b|ly\b|ough|ght|\bwh|th|ed\b", "en"),
        (r"w", "en de so"),
        (r"q", "en so"),
        (r"dh|kh", "so"),
        (r"ss[aä]\b|ll[aä]\b|lt[aä]\b|st[aä]\b|ksi\b", "fi"),
        (r"z", "de en"),
    )
)

# Words repeat within a page and across a site: each word's spellings are counted once.
WORD_CACHE = 1 << 16
CACHED_WORD = 40  # longer "words" are junk, not worth keeping

# Common words per primary language subtag.
COMMON_WORDS: dict[str, frozenset[str]] = {
    tag: frozenset(words.split())
    for tag, words in {
        "sv": _SV, "nb": _NB, "no": _NB, "nn": _NN, "da": _DA, "en": _EN, "fi": _FI,
        "de": _DE, "ar": _AR, "so": _SO, "fr": _FR, "es": _ES,
    }.items()
}  # fmt: skip


@cache
def char_script(ch: str) -> str:
    """The script of a letter: "LATIN", "ARABIC", "CYRILLIC", ... ("" when unnamed)."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def dominant_script(text: str) -> str:
    """The script most of the text's letters are written in ("" when it has no letters)."""
    if text.isascii():
        return "LATIN" if ASCII_LETTER.search(text) else ""
    counts: dict[str, int] = {}
    # Counted per distinct character: a sample has a few dozen, against hundreds of letters.
    for ch, count in Counter(text[:SCRIPT_SAMPLE]).items():
        if ch.isalpha():
            script = char_script(ch)
            counts[script] = counts.get(script, 0) + count
    if not counts:
        return ""
    return max(sorted(counts), key=counts.__getitem__)


def language_script(tag: str) -> str:
    """The script a language is written in, by its primary subtag."""
    return SCRIPT_OF_LANGUAGE.get(primary(tag), "LATIN")


def spelling_counts(words: list[str]) -> dict[str, int]:
    """How many telling spellings of each language the (lowercase) words hold."""
    counts: dict[str, int] = {}
    for word in words:
        spellings = _word_spellings(word) if len(word) <= CACHED_WORD else _spellings(word)
        for lang, found in spellings:
            counts[lang] = counts.get(lang, 0) + found
    return counts


@lru_cache(maxsize=WORD_CACHE)
def _word_spellings(word: str) -> tuple[tuple[str, int], ...]:
    return _spellings(word)


def _spellings(word: str) -> tuple[tuple[str, int], ...]:
    found: list[tuple[str, int]] = []
    for pattern, langs in SPELLINGS:
        count = len(pattern.findall(word))
        if count:
            found.extend((lang, count) for lang in sorted(langs))
    return tuple(found)
