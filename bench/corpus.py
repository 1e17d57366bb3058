"""A synthetic corpus for the benchmark: news-style reports on the illegal trade in personal
data, assembled from varied paragraph templates and invented name lists.

Deterministic: article i of seed s is always the same text. Every name here is made up for
the benchmark; none comes from the seed articles.

    python bench/corpus.py 1000 /tmp/corpus
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SURNAMES = ["Wang", "Zhang", "Qian", "Fu", "Jiang", "Lu", "Wei", "Kong", "Yang", "Zhao",
            "Wu", "Sun", "Ma", "Zhu", "Hu", "Guo", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie",
            "Song", "Tang", "Han", "Feng", "Deng", "Cao", "Cheng", "Pan", "Dai"]
GIVEN = ["Wei", "Fang", "Min", "Jie", "Lei", "Jun", "Yan", "Hao", "Ning", "Qiang", "Tao", "Hui",
         "Xin", "Kai", "Rui", "Ying", "Dong", "Ping", "Yu", "Shan", "Long", "Mei"]
WESTERN = ["Daniel Okafor", "Maria Lindqvist", "Tom Reyes", "Priya Raman", "Lukas Brandt",
           "Sofia Marchetti", "Aaron Whitfield", "Nadia Haddad", "Carlos Mendoza", "Ewa Nowak"]
CITIES = ["Hangzhou", "Yichang", "Luoyang", "Baotou", "Zhuhai", "Nanjing", "Chengdu", "Xiamen",
          "Kunming", "Hefei", "Changsha", "Jinan", "Nanning", "Taiyuan", "Lanzhou", "Harbin",
          "Shenyang", "Dalian", "Qingdao", "Ningbo", "Wenzhou", "Suzhou", "Wuxi", "Guiyang",
          "Haikou"]
PROVINCES = ["Zhejiang", "Jiangxi", "Qinghai", "Hainan", "Sichuan", "Fujian", "Yunnan", "Anhui",
             "Hunan", "Henan", "Guangxi", "Shanxi", "Gansu", "Heilongjiang", "Liaoning"]
OUTLETS = ["Eastern Ledger", "Harbour Times", "Pacific Wire", "Metro Evening Post",
           "Daily Courier Asia", "The Civic Observer", "River City News", "Northern Herald"]
COMPANIES = ["Tianrui Logistics", "Brightpath Insurance", "Jinxing Realty", "Qingfeng Telecom",
             "Lotus Maternity Clinic", "Golden Bridge Securities", "Skyway Parcel Express",
             "Harmony Auto Sales", "Sunrise Education Group", "Evergreen Property Management",
             "Cloudpeak Online Mall", "Silverline Bank", "Meiyuan Travel Agency",
             "Hengda Mobile Retail", "Bluewave Hotel Chain", "Kangning Hospital"]
SECTORS = ["banks", "telecom operators", "courier companies", "real estate agencies",
           "hospitals", "insurance firms", "online shops", "schools", "car dealers", "hotels"]
DATA = ["phone numbers", "home addresses", "ID card numbers", "bank account details",
        "vehicle registration records", "flight bookings", "hotel check-in records",
        "location tracks", "parcel delivery records", "records of new mothers",
        "shareholder records", "student enrolment records", "medical records",
        "email passwords", "social security numbers"]
METHODS = [
    "used his access to the customer database",
    "exploited a vulnerability in the company website",
    "planted a trojan on office computers",
    "set up a phishing site that mimicked the firm's login page",
    "drove a pseudo base station through busy streets to harvest numbers",
    "posed as a police officer to obtain the records",
    "logged in with a colleague's stolen password",
    "bribed a technician who maintained the servers",
]
CHANNELS = ["QQ groups", "WeChat", "an online forum", "a Telegram channel", "instant messaging",
            "a dark web market", "a file-sharing site", "a private chat group"]
SCHEMES = ["telecom fraud", "fake investment advice", "a stock-tip scam", "racketeering",
           "sales of counterfeit health products", "fake lottery wins", "loan scams",
           "product promotion calls", "fake refund calls", "debt collection harassment"]
VICTIMS = ["elderly residents", "parents of students", "new homeowners", "car owners",
           "recent graduates", "small business owners", "young mothers", "online shoppers"]
POLICE = ["the {city} Public Security Bureau", "police in {city}",
          "the {province} provincial police", "the Ministry of Public Security",
          "cyber police in {city}"]
PROSECUTORS = ["the {city} People's Procuratorate", "prosecutors in {city}",
               "the {province} Provincial People's Procuratorate"]
COURTS = ["the {city} Intermediate People's Court", "a district court in {city}",
          "the {province} High People's Court"]
LAWS = ["Article 253 of the Criminal Law", "the Cybersecurity Law",
        "the Personal Information Protection Law", "a judicial interpretation on personal data",
        "the Data Security Law"]
QUALS = ["more than", "nearly", "about", "over", "at least", "some", "roughly"]
UNITS = [("thousand", 1_000), ("million", 1_000_000), ("", 1), ("", 1), ("thousand", 1_000)]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


class _Facts:
    """The cast and figures of one story, drawn once so the paragraphs agree."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.city = rng.choice(CITIES)
        self.province = rng.choice(PROVINCES)
        self.people = [self.person() for _ in range(6)]
        self.company = rng.choice(COMPANIES)
        self.sector = rng.choice(SECTORS)
        self.data = rng.sample(DATA, 2)
        self.year = rng.randint(2009, 2023)

    def person(self) -> str:
        if self.rng.random() < 0.08:
            return self.rng.choice(WESTERN)
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def count(self) -> str:
        word, _ = self.rng.choice(UNITS)
        n = self.rng.randint(2, 950)
        return " ".join(x for x in (self.rng.choice(QUALS), str(n), word) if x)

    def money(self) -> str:
        n = self.rng.choice([self.rng.randint(2, 99) * 100, self.rng.randint(1, 90) * 10_000])
        if self.rng.random() < 0.75:
            return self.rng.choice([f"{n:,} yuan", f"{n / 10_000:g}0,000 yuan"
                                    if n % 10_000 == 0 else f"{n:,} yuan"])
        return f"${n // 6:,}"

    def unit_price(self) -> str:
        price = self.rng.choice(["0.1", "0.3", "0.5", "1", "2", "5"])
        return self.rng.choice([f"{price} yuan per record", f"{price} yuan a piece"])

    def when(self) -> str:
        month = self.rng.choice(MONTHS)
        return self.rng.choice([f"in {month} {self.year}", f"in {self.year}",
                                f"between {month} {self.year} and {self.year + 1}",
                                f"in early {self.year}", f"on {month} {self.rng.randint(1, 28)}"])


def _surname(name: str) -> str:
    return name.split()[-1] if name in WESTERN else name.split()[0]


LEAK = [
    "{p0}, a former employee of {company}, {method} {when} and copied {count} records "
    "containing {data0}.",
    "Investigators said {p0} {method} at {company}, one of several {sector} affected, "
    "taking the {data0} and {data1} of {count} customers.",
    "According to the indictment, {p0} worked in the customer service department of "
    "{company} and {method}, collecting {count} pieces of personal information {when}.",
    "The data came from {company}, where {p0}, who managed its records, {method} "
    "and passed the files to an acquaintance, {p1}.",
    "Prosecutors said the leak began when {p0} {method}.",
]
SALE = [
    "{s0} then sold the records to {p1} through {channel} for {money}.",
    "{s0} offered the information in {channel} at {unit_price} and earned {money} in total.",
    "Over several months {s0} resold {count} items of {data0} to buyers he met on "
    "{channel}, police said.",
    "The stolen {data0} were packaged into batches and advertised on {channel}, "
    "where each batch fetched {money}.",
    "{p1} acted as a middleman, buying data from {s0} and passing it on at a mark-up.",
]
BUY = [
    "{p2} bought {count} records of {data0} from {s1} for {money} and used them for {scheme}.",
    "Among the buyers was {p2}, who paid {money} for lists of {victims}.",
    "A company selling health products paid {s1} {money} a month for fresh lists of "
    "{victims}, prosecutors said.",
    "Buyers included sales staff at {sector}, who used the lists to cold-call customers.",
]
FRAUD = [
    "Using the data, the gang ran {scheme} targeting {victims} and cheated them of {money}.",
    "More than {n} {victims} were targeted by {scheme}, and losses reached {money}.",
    "The information fuelled {scheme}: callers knew the victims' {data0} and so seemed "
    "trustworthy.",
    "Police linked the leak to {scheme} that cost {victims} in {city} {money} {when}.",
]
ENFORCE = [
    "{police} arrested {s0} and {s1} {when} after a months-long investigation.",
    "{prosecutors} charged {s0} with infringing on citizens' personal information under {law}.",
    "{court} sentenced {s0} to {years} years in prison and fined him {money}.",
    "{police} detained {n} suspects in {city} and seized computers holding {count} records.",
    "The case was handed to {prosecutors}, which approved the arrest of {s0} {when}.",
    "{s1} received a suspended sentence of {years} years from {court}.",
]
BACKGROUND = [
    "Experts say leaks from {sector} remain common because staff can query records freely.",
    "\"Personal information has become a commodity,\" said {p3}, a lawyer in {city}. "
    "\"As long as buyers pay, insiders will keep selling.\"",
    "The number of such cases handled in {province} rose sharply compared with the year "
    "before, according to figures released by {prosecutors}.",
    "Residents of {city} told reporters they had received dozens of unsolicited calls a week.",
    "{law} sets prison terms of up to seven years for serious cases of selling personal data.",
    "A spokesperson for {company} said the firm had tightened access controls and was "
    "cooperating with the police.",
    "{p4}, who studies data protection at a university in {city}, said fines were too low "
    "to deter companies from lax security.",
]
HEADLINES = [
    "{city} police break ring selling {data0}",
    "Insider at {company} leaked customer data, prosecutors say",
    "{n} million records sold on {channel}, court hears",
    "Data of {victims} traded for {scheme}",
    "{province} cracks down on trade in personal information",
    "Former employee jailed for selling {data0}",
]


def article(i: int, seed: int = 0) -> str:
    """The text of synthetic article ``i``: headline, byline, dateline, 5-13 paragraphs."""
    rng = random.Random(seed * 1_000_003 + i)
    f = _Facts(rng)
    p = f.people
    slots = {
        "city": f.city, "province": f.province, "company": f.company, "sector": f.sector,
        "channel": rng.choice(CHANNELS), "scheme": rng.choice(SCHEMES),
        "victims": rng.choice(VICTIMS), "law": rng.choice(LAWS),
        "police": rng.choice(POLICE).format(city=f.city, province=f.province),
        "prosecutors": rng.choice(PROSECUTORS).format(city=f.city, province=f.province),
        "court": rng.choice(COURTS).format(city=f.city, province=f.province),
        "method": rng.choice(METHODS), "data0": f.data[0], "data1": f.data[1],
        "p0": p[0], "p1": p[1], "p2": p[2], "p3": p[3], "p4": p[4],
        "s0": _surname(p[0]), "s1": _surname(p[1]),
    }

    def fill(template: str) -> str:
        text = template.format(**slots, when=f.when(), count=f.count(), money=f.money(),
                               unit_price=f.unit_price(), n=rng.randint(3, 400),
                               years=rng.randint(2, 7))
        return text[0].upper() + text[1:]

    paras: list[str] = []
    for pool, lo, hi in ((LEAK, 1, 2), (SALE, 1, 2), (BUY, 0, 2), (FRAUD, 1, 2),
                         (ENFORCE, 1, 3), (BACKGROUND, 1, 2)):
        unused = rng.sample(pool, len(pool))
        for _ in range(rng.randint(lo, hi)):
            k = min(len(unused), rng.randint(1, 3))
            if k:
                paras.append(" ".join(fill(unused.pop()) for _ in range(k)))
    rest = paras[2:]
    rng.shuffle(rest)
    header = [fill(rng.choice(HEADLINES)), "", f"By {f.person()} ({rng.choice(OUTLETS)})",
              f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {f.year + 1}", "", ""]
    return "\n".join(header) + "\n\n".join(paras[:2] + rest) + "\n"


def generate(n: int, out: str | Path, seed: int = 0, start: int = 0) -> list[Path]:
    """Write articles ``start`` .. ``start + n - 1`` as .txt files into ``out``."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = root / f"report_{i:06d}.txt"
        p.write_text(article(i, seed), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="how many articles")
    ap.add_argument("out", type=Path, help="folder to write them into")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    generate(args.n, args.out, args.seed)
    print(f"wrote {args.n} articles to {args.out}")


if __name__ == "__main__":
    main()
