"""Issue 14's speed matrix: every workload a course runs, kerastutor against Keras and PyTorch.

Each framework runs in a process of its own (a "worker", this script with
`--worker`), started with the Python that has it:

* kerastutor: this Python (or KERASTUTOR_PYTHON), importing this checkout;
  `--baseline DIR` adds `kerastutor-base`, the same code from another
  checkout (e.g. `git archive main | tar -x -C DIR`), for before/after figures.
* keras-tf and keras-tf-1t (one intra-op thread): KERAS_TF_PYTHON, default
  /tmp/kerasref/bin/python.
* keras-jax: KERAS_JAX_PYTHON, default /tmp/jaxref/bin/python.
* torch and torch-1t (one thread): TORCH_PYTHON, default /tmp/torchref/bin/python.

A framework whose Python is missing or cannot import it is skipped, and the
table says so. For each workload the workers are started, warmed up, then
take turns: each round every worker times a few steps while the others wait
(idle on a pipe), so a slow spell of a shared machine slows both sides of a
ratio alike. The table prints per framework the median seconds, the range of
the round medians, the ratio kerastutor / framework (median of the per-round
ratios, with their range), the worker's peak RSS and the CPU cores it used
while timed (CPU seconds / wall seconds).

The contention run times kerastutor's Siamese step in alternating rounds,
quiet and with one other CPU-bound process busy, and prints busy / quiet.

Usage:
    python benchmarks/matrix.py [--quick] [--only NAME [NAME ...]] [--baseline DIR]
    python benchmarks/matrix.py --list
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# name: (timed thing, Keras's numbers of issue 14 for the notes)
WORKLOADS = {
    "siamese": "seed 002 Siamese train step: 2 x (280, 256), shared LSTM(64), batch 32, rmsprop",
    "seq2seq": "seq2seq train step: LSTM(256) enc/dec, T 16/20, 70/90 tokens, batch 64, rmsprop",
    "mlp": "MLP 784-512-512-10 train step, batch 128, adam",
    "textclf": "Embedding(10000, 64) -> LSTM(64) -> Dense(1) train step, T 100, batch 64, adam",
    "predict1": "predict on one Siamese sample",
    "lesson": "new lesson model: build + compile + fit 1 epoch (256 x 20, batch 32)",
    "first": "fresh process to first answer: import, build a Dense model, predict (bytecode cached)",
    "cnn": "Conv2D(32)-Conv2D(64)-Dense(10) train step, 64 x 32x32x3, adam",
    "cnnpool": "Conv2D-MaxPool-Conv2D-MaxPool-Dense train step, 64 x 32x32x3, adam",
    "bigru": "Embedding(10000, 64) -> Bidirectional(GRU(64)) -> Dense(1) step, 32 x 200, rmsprop",
}
SOURCE = [str(REPO)]  # the checkout whose kerastutor a worker imports
FRAMEWORKS = [
    "kerastutor",
    "kerastutor-base",
    "keras-tf",
    "keras-tf-1t",
    "keras-jax",
    "torch",
    "torch-1t",
]


# ---------------------------------------------------------------- the workloads


def _api(framework):
    """(layers, models-like module) of a Keras-API framework."""
    if framework.startswith("kerastutor"):
        from kerastutor import layers, models
        from kerastutor.utils import set_random_seed

        set_random_seed(0)
        return layers, models
    import keras

    keras.utils.set_random_seed(0)
    return keras.layers, keras


def _siamese_model(layers, models):
    import train_step as ts

    a_in = layers.Input(shape=(ts.TIMESTEPS, ts.FEATURES))
    b_in = layers.Input(shape=(ts.TIMESTEPS, ts.FEATURES))
    shared = layers.LSTM(ts.UNITS)
    merged = layers.concatenate([shared(a_in), shared(b_in)], axis=-1)
    model = models.Model([a_in, b_in], layers.Dense(1, activation="sigmoid")(merged))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    return model


def _seq2seq_data():
    rng = np.random.default_rng(0)
    enc = np.eye(70, dtype="float32")[rng.integers(0, 70, (64, 16))]
    dec = np.eye(90, dtype="float32")[rng.integers(0, 90, (64, 20))]
    target = np.eye(90, dtype="float32")[rng.integers(0, 90, (64, 20))]
    return enc, dec, target


def _text_data(vocab, timesteps, batch):
    rng = np.random.default_rng(0)
    ids = rng.integers(1, vocab, size=(batch, timesteps)).astype("int32")
    return ids, rng.integers(0, 2, size=(batch, 1)).astype("float32")


def _lesson_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 20)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


FIRST_ANSWER = {
    "kerastutor": "import kerastutor as keras",
    "keras": "import keras",
}
FIRST_ANSWER_MODEL = (
    "m = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3), keras.layers.Dense(1)])\n"
    "print(m.predict(np.ones((1, 4), 'float32'), verbose=0))"
)
FIRST_ANSWER_TORCH = (
    "import torch\n"
    "m = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 1))\n"
    "with torch.no_grad():\n    print(m(torch.ones(1, 4)))"
)


_BYTECODE = []  # the worker's own bytecode folder, made on first use


def _with_bytecode():
    """The environment for a first-answer child: bytecode cached, as an installed package has it.

    A checkout run with PYTHONDONTWRITEBYTECODE=1 would compile every module of
    kerastutor at every start while Keras and PyTorch read their installed
    bytecode; the warm-up run writes it here under a folder of this worker's.
    """
    if not _BYTECODE:
        import atexit
        import shutil
        import tempfile

        _BYTECODE.append(tempfile.mkdtemp(prefix="matrix-pycache-"))
        atexit.register(shutil.rmtree, _BYTECODE[0], ignore_errors=True)
    env = dict(os.environ, PYTHONPYCACHEPREFIX=_BYTECODE[0])
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def keras_api_step(framework, workload):
    """One call of the workload in kerastutor or Keras (the API is spelled the same)."""
    if workload == "first":
        base = "kerastutor" if framework.startswith("kerastutor") else "keras"
        program = f"import numpy as np\n{FIRST_ANSWER[base]}\n{FIRST_ANSWER_MODEL}"
        return lambda: subprocess.run(
            [sys.executable, "-c", program], check=True, capture_output=True, cwd=SOURCE[0],
            env=_with_bytecode(),
        )  # fmt: skip
    layers, models = _api(framework)
    if workload in ("siamese", "predict1"):
        import train_step as ts

        model = _siamese_model(layers, models)
        a, b, y = ts.make_data()
        if workload == "predict1":
            one = [a[:1], b[:1]]
            return lambda: model.predict(one, verbose=0)
        return lambda: model.train_on_batch([a, b], y)
    if workload == "seq2seq":
        enc_in = layers.Input(shape=(None, 70))
        _, h, c = layers.LSTM(256, return_state=True)(enc_in)
        dec_in = layers.Input(shape=(None, 90))
        seq, _, _ = layers.LSTM(256, return_sequences=True, return_state=True)(
            dec_in, initial_state=[h, c]
        )
        model = models.Model([enc_in, dec_in], layers.Dense(90, activation="softmax")(seq))
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        enc, dec, target = _seq2seq_data()
        return lambda: model.train_on_batch([enc, dec], target)
    if workload == "mlp":
        x_in = layers.Input(shape=(784,))
        h = layers.Dense(512, activation="relu")(x_in)
        h = layers.Dense(512, activation="relu")(h)
        model = models.Model(x_in, layers.Dense(10, activation="softmax")(h))
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        rng = np.random.default_rng(0)
        x = rng.normal(size=(128, 784)).astype("float32")
        y = rng.integers(0, 10, size=(128,)).astype("int32")
        return lambda: model.train_on_batch(x, y)
    if workload == "textclf":
        ids_in = layers.Input(shape=(100,), dtype="int32")
        h = layers.LSTM(64)(layers.Embedding(10000, 64)(ids_in))
        model = models.Model(ids_in, layers.Dense(1, activation="sigmoid")(h))
        model.compile(optimizer="adam", loss="binary_crossentropy")
        ids, y = _text_data(10000, 100, 64)
        return lambda: model.train_on_batch(ids, y)
    if workload == "lesson":
        x, y = _lesson_data()

        def build_and_fit():
            layers_, models_ = _api(framework)
            model = models_.Sequential(
                [
                    layers_.Input(shape=(20,)),
                    layers_.Dense(16, activation="relu"),
                    layers_.Dense(1, activation="sigmoid"),
                ]
            )
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, batch_size=32, epochs=1, verbose=0)

        return build_and_fit
    if workload in ("cnn", "cnnpool"):
        import cnn_train_step as cnn

        model = cnn.build_model(layers, models, "conv" if workload == "cnn" else "pool")
        x, y = cnn.make_data()
        return lambda: model.train_on_batch(x, y)
    if workload == "bigru":
        import train_step_gru as gru

        ids_in = layers.Input(shape=(gru.TIMESTEPS,), dtype="int32")
        h = layers.Embedding(gru.VOCAB, gru.EMBED)(ids_in)
        h = layers.Bidirectional(layers.GRU(gru.UNITS))(h)
        model = models.Model(ids_in, layers.Dense(1, activation="sigmoid")(h))
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        ids, y = gru.make_data()
        return lambda: model.train_on_batch(ids, y)
    raise ValueError(f"unknown workload {workload!r}")


def torch_workload_step(workload):
    """The same workloads written in PyTorch (softmax + crossentropy as one loss)."""
    import torch

    torch.manual_seed(0)
    nn = torch.nn

    def trainer(modules, forward, loss_fn, optimizer="rmsprop"):
        params = [p for m in modules for p in m.parameters()]
        if optimizer == "adam":
            opt = torch.optim.Adam(params, lr=0.001, eps=1e-7)
        else:
            opt = torch.optim.RMSprop(params, lr=0.001, alpha=0.9, eps=1e-7)

        def step():
            opt.zero_grad()
            loss_fn(forward()).backward()
            opt.step()

        return step

    if workload == "first":
        return lambda: subprocess.run(
            [sys.executable, "-c", FIRST_ANSWER_TORCH], check=True, capture_output=True,
            env=_with_bytecode(),
        )  # fmt: skip
    if workload in ("siamese", "predict1"):
        import train_step as ts

        if workload == "siamese":
            return ts.torch_step(ts.make_data())
        lstm, dense = nn.LSTM(ts.FEATURES, ts.UNITS, batch_first=True), nn.Linear(2 * ts.UNITS, 1)
        a, b, _ = (torch.from_numpy(x[:1]) for x in ts.make_data())

        def predict():
            with torch.no_grad():
                _, (h_a, _) = lstm(a)
                _, (h_b, _) = lstm(b)
                return torch.sigmoid(dense(torch.cat([h_a[-1], h_b[-1]], dim=-1))).numpy()

        return predict
    if workload == "seq2seq":
        enc_lstm, dec_lstm = nn.LSTM(70, 256, batch_first=True), nn.LSTM(90, 256, batch_first=True)
        dense = nn.Linear(256, 90)
        enc, dec, target = (torch.from_numpy(x) for x in _seq2seq_data())
        labels = target.argmax(-1).reshape(-1)

        def forward():
            _, states = enc_lstm(enc)
            seq, _ = dec_lstm(dec, states)
            return dense(seq).reshape(-1, 90)

        return trainer(
            [enc_lstm, dec_lstm, dense], forward, lambda z: nn.functional.cross_entropy(z, labels)
        )
    if workload == "mlp":
        model = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
        )
        rng = np.random.default_rng(0)
        x = torch.from_numpy(rng.normal(size=(128, 784)).astype("float32"))
        y = torch.from_numpy(rng.integers(0, 10, size=(128,)))
        return trainer(
            [model], lambda: model(x), lambda z: nn.functional.cross_entropy(z, y), "adam"
        )
    if workload == "textclf":
        emb, lstm, dense = (
            nn.Embedding(10000, 64),
            nn.LSTM(64, 64, batch_first=True),
            nn.Linear(64, 1),
        )
        ids, y = (torch.from_numpy(v) for v in _text_data(10000, 100, 64))
        ids = ids.long()

        def forward():
            _, (h, _) = lstm(emb(ids))
            return dense(h[-1])

        bce = nn.BCEWithLogitsLoss()
        return trainer([emb, lstm, dense], forward, lambda z: bce(z, y), "adam")
    if workload == "lesson":
        x, y = (torch.from_numpy(v) for v in _lesson_data())

        def build_and_fit():
            model = nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 1))
            opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
            bce = nn.BCEWithLogitsLoss()
            for start in range(0, len(x), 32):
                opt.zero_grad()
                bce(model(x[start : start + 32]), y[start : start + 32]).backward()
                opt.step()

        return build_and_fit
    if workload in ("cnn", "cnnpool"):
        import cnn_train_step as cnn

        return cnn.torch_step("conv" if workload == "cnn" else "pool", cnn.make_data())
    if workload == "bigru":
        import train_step_gru as gru

        return gru.torch_step(gru.make_data(), True)
    raise ValueError(f"unknown workload {workload!r}")


# ---------------------------------------------------------------- the worker process


def worker(framework, workload, source):
    """Build the step, then answer the parent's commands on stdin: `run N`, `stats`, `quit`."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, source)
    SOURCE[0] = source
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if framework.startswith("keras-"):
        if framework == "keras-tf-1t":
            import tensorflow as tf

            tf.config.threading.set_intra_op_parallelism_threads(1)
    if framework.startswith("torch"):
        if framework == "torch-1t":
            import torch

            torch.set_num_threads(1)
        step = torch_workload_step(workload)
    else:
        step = keras_api_step(framework, workload)
    reply = sys.__stdout__
    print("@@" + json.dumps({"ready": True}), file=reply, flush=True)
    cpu = wall = 0.0
    for line in sys.stdin:
        command = line.split()
        if command[0] == "run":
            times = []
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            for _ in range(int(command[1])):
                start = time.perf_counter()
                step()
                times.append(time.perf_counter() - start)
            cpu += time.process_time() - cpu_start
            wall += time.perf_counter() - wall_start
            print("@@" + json.dumps({"times": times}), file=reply, flush=True)
        elif command[0] == "stats":
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            if workload == "first":  # the work is in the child processes
                own, cpu = children.ru_maxrss, children.ru_utime + children.ru_stime
            stats = {"peak_rss_mib": own / 1024, "cores": cpu / wall if wall else 0.0}
            print("@@" + json.dumps(stats), file=reply, flush=True)
        else:
            return


class Worker:
    """The parent's handle on one worker process."""

    def __init__(self, framework, workload, python, source):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        if framework == "keras-jax":
            env["KERAS_BACKEND"] = "jax"
        elif framework.startswith("keras-tf"):
            env["KERAS_BACKEND"] = "tensorflow"
        command = [python, str(Path(__file__).resolve()), "--worker", framework, workload, source]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env,
        )  # fmt: skip
        self.framework = framework

    def _reply(self):
        for line in self.process.stdout:
            if line.startswith("@@"):
                return json.loads(line[2:])
        error = self.process.stderr.read().strip().splitlines()
        raise RuntimeError(error[-1] if error else "worker ended")

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._reply()

    def close(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        self.process.wait(timeout=60)


# ---------------------------------------------------------------- the parent


def pythons(baseline):
    found = {
        "kerastutor": (os.environ.get("KERASTUTOR_PYTHON", sys.executable), str(REPO)),
        "keras-tf": (os.environ.get("KERAS_TF_PYTHON", "/tmp/kerasref/bin/python"), str(REPO)),
        "keras-jax": (os.environ.get("KERAS_JAX_PYTHON", "/tmp/jaxref/bin/python"), str(REPO)),
        "torch": (os.environ.get("TORCH_PYTHON", "/tmp/torchref/bin/python"), str(REPO)),
    }
    found["keras-tf-1t"] = found["keras-tf"]
    found["torch-1t"] = found["torch"]
    if baseline:
        found["kerastutor-base"] = (found["kerastutor"][0], str(Path(baseline).resolve()))
    return found


def start_workers(workload, frameworks, found, warmup, notes):
    workers = []
    for framework in frameworks:
        python, source = found[framework]
        if not Path(python).exists():
            notes.append(f"{framework}: no Python at {python}, skipped")
            continue
        w = Worker(framework, workload, python, source)
        try:
            w._reply()
            for _ in range(warmup):
                w.ask("run 1")
        except RuntimeError as error:
            notes.append(f"{workload} / {framework}: skipped ({error})")
            w.process.kill()
            w.process.wait()
            continue
        workers.append(w)
    return workers


def run_workload(workload, frameworks, found, args, notes):
    steps = 1 if workload in ("first", "lesson") else args.steps
    workers = start_workers(workload, frameworks, found, args.warmup, notes)
    medians = {w.framework: [] for w in workers}
    for _ in range(args.rounds):
        for w in workers:
            time.sleep(0.3)  # let the previous worker's spinning threads go idle
            medians[w.framework].append(statistics.median(w.ask(f"run {steps}")["times"]))
    stats = {w.framework: w.ask("stats") for w in workers}
    for w in workers:
        w.close()
    return medians, stats


def busy_loop():
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def contention(found, args, variants):
    """kerastutor's Siamese step, quiet and beside one busy process, in alternating rounds."""
    workers = start_workers("siamese", variants, found, args.warmup, [])
    quiet = {w.framework: [] for w in workers}
    busy = {w.framework: [] for w in workers}
    for _ in range(args.rounds):
        for w in workers:
            time.sleep(0.3)
            quiet[w.framework].append(statistics.median(w.ask(f"run {args.steps}")["times"]))
            other = busy_loop()
            time.sleep(0.3)
            try:
                busy[w.framework].append(statistics.median(w.ask(f"run {args.steps}")["times"]))
            finally:
                other.kill()
                other.wait()
    for w in workers:
        w.close()
    return quiet, busy


def spread(values):
    return f"{statistics.median(values):.4f} [{min(values):.4f}-{max(values):.4f}]"


def ratio_text(ours, theirs):
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return f"{statistics.median(ratios):.2f}x [{min(ratios):.2f}-{max(ratios):.2f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of 2 steps, 1 warmup")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="workloads (or 'contention')")
    parser.add_argument("--frameworks", nargs="+", default=FRAMEWORKS, choices=FRAMEWORKS)
    parser.add_argument("--baseline", help="another checkout of kerastutor, as kerastutor-base")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3, help="timed steps per worker per round")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the workloads")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    if args.list:
        for name, text in WORKLOADS.items():
            print(f"{name:10} {text}")
        return None
    if args.quick:
        args.rounds, args.steps, args.warmup = 3, 2, 1
    found = pythons(args.baseline)
    frameworks = [f for f in args.frameworks if f in found]
    selected = args.only or [*WORKLOADS, "contention"]
    for name in selected:
        if name not in WORKLOADS and name != "contention":
            parser.error(
                f"--only: unknown workload {name!r}; choose from {[*WORKLOADS, 'contention']}"
            )
    notes = []
    print(
        f"{args.rounds} rounds x {args.steps} steps; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}"
    )
    header = f"{'workload':10} {'framework':16} {'median s [range of rounds]':30} {'kt / this [rounds]':22} {'peak RSS MiB':>12} {'cores':>6}"
    print(header)
    print("-" * len(header))
    for workload in selected:
        if workload == "contention":
            continue
        medians, stats = run_workload(workload, frameworks, found, args, notes)
        ours = medians.get("kerastutor")
        for framework, values in medians.items():
            ratio = "" if framework == "kerastutor" or ours is None else ratio_text(ours, values)
            s = stats[framework]
            print(
                f"{workload:10} {framework:16} {spread(values):30} {ratio:22} "
                f"{s['peak_rss_mib']:12.0f} {s['cores']:6.2f}",
                flush=True,
            )
    if "contention" in selected:
        variants = [f for f in ("kerastutor", "kerastutor-base") if f in found]
        quiet, busy = contention(found, args, variants)
        for framework in quiet:
            print(
                f"contention {framework:16} quiet {spread(quiet[framework])}  one busy process "
                f"{spread(busy[framework])}  busy / quiet {ratio_text(busy[framework], quiet[framework])}"
            )
    for note in notes:
        print("note:", note)
    return None


if __name__ == "__main__":
    main()
