"""Generate a new piece with a note LSTM trained on Bach chorales, and write MIDI.

After Zong's "Chopin Music Generation and Classification": note/chord tokens from
music21, an LSTM predicting the next token, sampled into a new score. The
generator runs at its defaults (early stopping on held-out chorales, a width
chosen from the vocabulary). The held-out score (mean log-likelihood per token)
is compared with a bigram baseline, and the generated piece's statistics with
the real chorales'.

Run:  python examples/04_generate_midi.py   (writes generated_chorale.mid)
"""

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skmusic.datasets import load_corpus
from skmusic.features import NoteTokenizer
from skmusic.generation import NGramTokenGenerator, NoteLSTMGenerator, write_tokens_midi
from skmusic.metrics import symbolic_statistics

chorales = load_corpus("bach", max_per_class=40)
train, test = train_test_split(chorales.data, test_size=0.25, random_state=0)

tokenizer = NoteTokenizer(durations=True, rests=True, part=0)  # the soprano line
ids_train = tokenizer.fit_transform(train)
ids_test = tokenizer.transform(test)
print(f"{tokenizer.n_tokens_} tokens, {sum(i.size for i in ids_train)} training tokens")

lstm = NoteLSTMGenerator(n_tokens=tokenizer.n_tokens_, random_state=0).fit(ids_train)
bigram = NGramTokenGenerator(order=2, alpha=0.1, n_tokens=tokenizer.n_tokens_).fit(ids_train)
print(
    f"held-out log-likelihood per token: LSTM {lstm.score(ids_test):.2f}, "
    f"bigram {bigram.score(ids_test):.2f} (higher is better)"
)

ids = lstm.sample(64, temperature=0.9, random_state=1)[0]
path = write_tokens_midi(ids, tokenizer, "generated_chorale.mid", bpm=90)
print("wrote", path, "-", " ".join(tokenizer.tokens_[i] for i in np.ravel(ids)[:16]), "...")
soprano = [piece[piece["part"] == 0] for piece in test[:5]]
table = pd.DataFrame(
    symbolic_statistics([tokenizer.decode(ids)] + soprano),
    index=["generated"] + [f"real {i}" for i in range(len(soprano))],
)
print(table.round(2).to_string())
