"""The kind of answer a question asks for ("which country", "what percentage") and passages that hold one.

A quote that answers "which country ...?" names a country; one that answers "what percentage ...?"
holds a percentage. Ranking favours such quotes among those on the question's topic (the classic
answer-type check of factoid question answering), so the reader meets a candidate answer sooner.
Only kinds that can be recognised reliably without a model are listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNTRIES = (
    "Afghanistan, Albania, Algeria, Andorra, Angola, Argentina, Armenia, Australia, Austria, Azerbaijan, "
    "Bahamas, Bahrain, Bangladesh, Barbados, Belarus, Belgium, Belize, Benin, Bhutan, Bolivia, Bosnia, "
    "Botswana, Brazil, Britain, Brunei, Bulgaria, Burkina Faso, Burundi, Cambodia, Cameroon, Canada, "
    "Central African Republic, Chad, Chile, China, Colombia, Comoros, Congo, Costa Rica, Croatia, Cuba, "
    "Cyprus, Czech Republic, Czechia, Denmark, Djibouti, Dominica, Dominican Republic, Ecuador, Egypt, "
    "El Salvador, England, Eritrea, Estonia, Eswatini, Ethiopia, Fiji, Finland, France, Gabon, Gambia, "
    "Georgia, Germany, Ghana, Greece, Grenada, Guatemala, Guinea, Guyana, Haiti, Honduras, Hungary, Iceland, "
    "India, Indonesia, Iran, Iraq, Ireland, Israel, Italy, Ivory Coast, Jamaica, Japan, Jordan, Kazakhstan, "
    "Kenya, Kiribati, Kosovo, Kuwait, Kyrgyzstan, Laos, Latvia, Lebanon, Lesotho, Liberia, Libya, "
    "Liechtenstein, Lithuania, Luxembourg, Madagascar, Malawi, Malaysia, Maldives, Mali, Malta, Mauritania, "
    "Mauritius, Mexico, Micronesia, Moldova, Monaco, Mongolia, Montenegro, Morocco, Mozambique, Myanmar, "
    "Namibia, Nauru, Nepal, Netherlands, New Zealand, Nicaragua, Niger, Nigeria, North Korea, "
    "North Macedonia, Norway, Oman, Pakistan, Palau, Palestine, Panama, Papua New Guinea, Paraguay, Peru, "
    "Philippines, Poland, Portugal, Qatar, Romania, Russia, Rwanda, Samoa, San Marino, Saudi Arabia, "
    "Scotland, Senegal, Serbia, Seychelles, Sierra Leone, Singapore, Slovakia, Slovenia, Somalia, "
    "South Africa, South Korea, South Sudan, Spain, Sri Lanka, Sudan, Suriname, Sweden, Switzerland, Syria, "
    "Taiwan, Tajikistan, Tanzania, Thailand, Togo, Tonga, Trinidad and Tobago, Tunisia, Turkey, "
    "Turkmenistan, Tuvalu, Uganda, Ukraine, United Arab Emirates, United Kingdom, United States, Uruguay, "
    "Uzbekistan, Vanuatu, Vatican, Venezuela, Vietnam, Wales, Yemen, Zambia, Zimbabwe, UK, U.K., US, U.S."
)
US_STATES = (
    "Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida, Georgia, "
    "Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, Maryland, Massachusetts, "
    "Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada, New Hampshire, New Jersey, "
    "New Mexico, New York, North Carolina, North Dakota, Ohio, Oklahoma, Oregon, Pennsylvania, "
    "Rhode Island, South Carolina, South Dakota, Tennessee, Texas, Utah, Vermont, Virginia, Washington, "
    "West Virginia, Wisconsin, Wyoming"
)

# Capitals and the largest cities: the places a news question asks "which city" about.
CITIES = (
    "Abu Dhabi, Abuja, Accra, Addis Ababa, Amsterdam, Ankara, Athens, Atlanta, Auckland, Austin, Baghdad, "
    "Baltimore, Bangkok, Barcelona, Beijing, Beirut, Belgrade, Berlin, Bogota, Boston, Brussels, Bucharest, "
    "Budapest, Buenos Aires, Cairo, Calgary, Cape Town, Caracas, Charlotte, Chicago, Cincinnati, "
    "Cleveland, Columbus, Copenhagen, Dakar, Dallas, Damascus, Delhi, Denver, Detroit, Dhaka, Doha, Dubai, "
    "Dublin, Edinburgh, Florence, Frankfurt, Gaza City, Geneva, Glasgow, Guangzhou, Hamburg, Hanoi, "
    "Havana, Helsinki, Ho Chi Minh City, Hong Kong, Honolulu, Houston, Indianapolis, Islamabad, Istanbul, "
    "Jakarta, Jerusalem, Johannesburg, Kabul, Kansas City, Karachi, Kathmandu, Khartoum, Kyiv, Kiev, "
    "Kinshasa, Kolkata, Kuala Lumpur, Lagos, Lahore, Las Vegas, Lima, Lisbon, London, Los Angeles, "
    "Madrid, Manchester, Manila, Marseille, Melbourne, Memphis, Mexico City, Miami, Milan, Milwaukee, "
    "Minneapolis, Minsk, Montreal, Moscow, Mumbai, Munich, Nairobi, Naples, Nashville, New Delhi, "
    "New Orleans, New York, New York City, Oakland, Oklahoma City, Osaka, Oslo, Ottawa, Paris, "
    "Philadelphia, Phoenix, Pittsburgh, Portland, Prague, Pyongyang, Quebec City, Rio de Janeiro, "
    "Riyadh, Rome, Sacramento, Salt Lake City, San Antonio, San Diego, San Francisco, San Jose, "
    "Santiago, Sao Paulo, São Paulo, Seattle, Seoul, Shanghai, Shenzhen, Singapore, St. Louis, "
    "St. Petersburg, Stockholm, Sydney, Taipei, Tampa, Tehran, Tel Aviv, Tokyo, Toronto, Tripoli, Tunis, "
    "Vancouver, Venice, Vienna, Warsaw, Washington, Wellington, Wuhan, Zurich"
)


def _names(listing: str) -> re.Pattern[str]:
    # Longest first, so "South Sudan" is one name rather than "Sudan"; case kept: these are proper nouns.
    names = sorted((n.strip() for n in listing.split(",")), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


@dataclass(frozen=True, slots=True)
class AnswerType:
    """A kind of answer: how a question asks for it and how a passage shows one."""

    name: str
    asks: re.Pattern[str]
    shows: re.Pattern[str]

    def found(self, text: str, question: str) -> bool:
        """True when `text` holds an answer of this kind that the question does not itself name."""
        named = {m.group(0).lower() for m in self.shows.finditer(question)}
        return any(m.group(0).lower() not in named for m in self.shows.finditer(text))


# "which European country", "which of the following nations"; not "what did the country's leader say".
_AUX = r"(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could|should|may|might)\b"
_WHICH = r"\b(?:which|what)\s+(?:(?!" + _AUX + r")[\w'-]+\s+){0,3}?"
TYPES = (
    AnswerType("a country", re.compile(_WHICH + r"(?:country|countries|nation|nations)\b", re.I), _names(COUNTRIES)),
    AnswerType("a US state", re.compile(_WHICH + r"(?:state|states)\b(?!\s+of\b)", re.I), _names(US_STATES)),
    AnswerType("a city", re.compile(_WHICH + r"(?:city|cities)\b", re.I), _names(CITIES)),
    AnswerType(
        "a percentage",
        re.compile(r"\bwhat\s+(?:percentage|percent|share|proportion)\b", re.I),
        re.compile(r"\d\s*%|\d\s*(?:per\s*cent|percent)\b", re.I),
    ),
    AnswerType(
        "an amount",
        re.compile(r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:amount|number|sum)\b", re.I),
        re.compile(
            r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
            r"hundred|thousand|million|billion|dozen|half|quarter)s?\b",
            re.I,
        ),
    ),
    AnswerType(
        "a year", re.compile(r"\b(?:what|which)\s+year\b|\bin what year\b", re.I), re.compile(r"\b(?:1[6-9]|20)\d\d\b")
    ),
)


def expected_type(question: str) -> AnswerType | None:
    """The kind of answer the question asks for, when it is one of TYPES (the first that matches)."""
    return next((t for t in TYPES if t.asks.search(question)), None)
