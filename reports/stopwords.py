"""English stop words left out of a report's most frequent words: the words that carry no
topic (articles, pronouns, auxiliaries, prepositions), plus the filler of a question asked
to a panel ("please", "thanks", "would", "know"). Lower case, apostrophes kept."""

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each else even ever every few for from further
    get gets getting got had hadn't has hasn't have haven't having he he'd he'll he's her
    here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
    into is isn't it it's its itself just let's like may me might more most much must
    mustn't my myself no nor not now of off on once one only or other ought our ours
    ourselves out over own per please really same shall shan't she she'd she'll she's
    should shouldn't so some such than thank thanks that that's the their theirs them
    themselves then there there's these they they'd they'll they're they've this those
    though through to too under until up upon us very was wasn't we we'd we'll we're we've
    were weren't what what's when when's where where's whether which while who who's whom
    why why's will with won't would wouldn't yes yet you you'd you'll you're you've your
    yours yourself yourselves anyone anything someone something know want wants hi hello
    many lot lots way ask asking question questions
    """.split()  # noqa: SIM905 - a list a person can read and edit
)
