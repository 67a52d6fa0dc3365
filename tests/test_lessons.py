"""The lesson notebooks keep their conventions (nbval checks their outputs separately).

Every lesson: a first cell saying what the learner will be able to do, the
learner's words in Chinese with an English translation, seeded randomness,
an exercise marked by a check function, and stored outputs with nothing that
changes from run to run (widget ids, memory addresses, timings).

Every English lesson has a Chinese twin in `lessons/zh-CN/` that runs the same
code (only the comments are translated), quotes the learner's words verbatim,
and shows the same outputs.
"""

import ast
import importlib.util
import io
import json
import pathlib
import re
import tokenize

import pytest

LESSONS = pathlib.Path(__file__).resolve().parent.parent / "lessons"
NAMES = [
    "01_shared_layers_and_nodes.ipynb",
    "02_embedding_vs_input.ipynb",
    "03_symbolic_tensors_and_dot.ipynb",
    "04_model_vs_layer.ipynb",
    "05_two_tweets_model.ipynb",
    "06_conv2d_shared_across_sizes.ipynb",
    "07_dense_after_lstm.ipynb",
    "08_seq2seq_inference.ipynb",
    "09_writing_your_own_layer.ipynb",
    "10_masking_and_padding.ipynb",
    "11_recurrent_layers_compared.ipynb",
    "12_convolution_pooling_shared_vision.ipynb",
]
ZH_NAMES = ["zh-CN/" + name.replace(".ipynb", "_zh.ipynb") for name in NAMES]
TWINS = list(zip(NAMES, ZH_NAMES))
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# The one difference the editions' code may have: a check asked for its verdict in Chinese.
IN_CHINESE = ', language="zh-CN"'
VERDICT_OPENINGS = {"Right: ": "对：", "Not quite: ": "还不对：", "No answer yet: ": "还没有作答："}


def load(name):
    return json.loads((LESSONS / name).read_text(encoding="utf-8"))


def code_cells(name):
    return [cell for cell in load(name)["cells"] if cell["cell_type"] == "code"]


def as_run(code):
    """The code as Python runs it: comments, comment-only lines and docstrings removed."""
    lines = code.splitlines()
    dropped = set()
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            if not lines[row - 1][:column].strip():
                dropped.add(row)
            lines[row - 1] = lines[row - 1][:column].rstrip()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and ast.get_docstring(node) is not None:
            dropped.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    return "\n".join(line for row, line in enumerate(lines, 1) if row not in dropped)


def shown(output):
    """What a learner sees of an output, as nbval compares it (no counters, no images)."""
    if output["output_type"] == "stream":
        return (output["name"], "".join(output["text"]))
    if output["output_type"] == "error":
        return (output["ename"], output["evalue"])
    return (output["output_type"], "".join(output["data"].get("text/plain", "")))


def verdict_opening(text):
    """A verdict's opening in Chinese ('对：' for 'Right: ' or '对：')."""
    for english, chinese in VERDICT_OPENINGS.items():
        if text.startswith((english, chinese)):
            return chinese
    return text


def quotes(cells):
    return [line for cell in cells for line in source(cell).splitlines() if line.startswith(">")]


def source(cell):
    return "".join(cell["source"])


def outputs_text(notebook):
    return json.dumps([cell.get("outputs", []) for cell in notebook["cells"]])


def test_every_lesson_is_there_and_listed_in_the_readme():
    assert sorted(path.name for path in LESSONS.glob("*.ipynb")) == NAMES
    zh = sorted("zh-CN/" + path.name for path in (LESSONS / "zh-CN").glob("*.ipynb"))
    assert zh == ZH_NAMES
    readme = (LESSONS / "README.md").read_text(encoding="utf-8")
    for name in NAMES + ZH_NAMES:
        assert f"({name})" in readme, name


@pytest.mark.parametrize("name", NAMES)
def test_lesson_starts_with_what_the_learner_will_be_able_to_do(name):
    first = load(name)["cells"][0]
    assert first["cell_type"] == "markdown"
    lines = [line for line in source(first).splitlines() if line.strip()]
    assert lines[0].startswith("# Lesson ")
    assert lines[1].startswith("**After this lesson you can:**")
    assert len(lines) == 2


@pytest.mark.parametrize("name", NAMES)
def test_lesson_quotes_the_learner_in_chinese_and_english(name):
    cells = load(name)["cells"]
    question = next(source(c) for c in cells if source(c).startswith("## The question"))
    quoted = [line for line in question.splitlines() if line.startswith(">")]
    assert any(CHINESE.search(line) for line in quoted)
    # Each Chinese quote is followed by its translation, in italics.
    assert any(line.startswith("> *") and not CHINESE.search(line) for line in quoted)


@pytest.mark.parametrize("name", NAMES + ZH_NAMES)
def test_lesson_is_seeded_and_ends_with_a_checked_exercise(name):
    cells = load(name)["cells"]
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    assert "set_random_seed(0)" in code[0]
    assert "from kerastutor.exercises import check_" in code[0]
    heading = "## 练习" if name in ZH_NAMES else "## Exercise"
    assert any(line.startswith(heading) for c in cells for line in source(c).splitlines())
    assert re.search(r"^check_\w+\(", code[-1], re.MULTILINE)


@pytest.mark.parametrize("name", ZH_NAMES)
def test_chinese_lesson_starts_with_what_the_learner_will_be_able_to_do(name):
    first = load(name)["cells"][0]
    assert first["cell_type"] == "markdown"
    lines = [line for line in source(first).splitlines() if line.strip()]
    number = int(name[len("zh-CN/") :][:2])
    assert lines[0].startswith(f"# 第 {number} 课：")
    assert lines[1].startswith("**学完本课，你能够：**")
    assert len(lines) == 2


@pytest.mark.parametrize(("english", "chinese"), TWINS)
def test_chinese_lesson_runs_the_same_code(english, chinese):
    # Only comments and docstrings are translated, so both editions show the same numbers.
    pairs = list(zip(code_cells(english), code_cells(chinese), strict=True))
    for number, (en, zh) in enumerate(pairs):
        en_code = (as_run(source(en)), en["metadata"].get("tags", []))
        zh_code = (as_run(source(zh)).replace(IN_CHINESE, ""), zh["metadata"].get("tags", []))
        assert zh_code == en_code, f"code cell {number} differs between the editions"


def test_as_run_ignores_comments_and_docstrings_only():
    english = 'def twice(x):\n    """Doubles x."""\n    return 2 * x  # twice\n\nprint("# kept")\n'
    chinese = 'def twice(x):\n    """把 x 翻倍。\n\n    第二行。"""\n    # 两倍\n    return 2 * x\n\nprint("# kept")\n'
    assert as_run(chinese) == as_run(english)
    assert as_run(english.replace("2 * x", "3 * x")) != as_run(english)
    assert as_run(english.replace('"# kept"', '"# 保留"')) != as_run(english)


@pytest.mark.parametrize("name", ZH_NAMES)
def test_chinese_lesson_explains_in_chinese(name):
    for cell in load(name)["cells"]:
        if cell["cell_type"] == "markdown":
            assert CHINESE.search(source(cell)), source(cell)


@pytest.mark.parametrize(("english", "chinese"), TWINS)
def test_chinese_lesson_shows_the_same_outputs(english, chinese):
    # tools/refresh_lessons.py refreshes a lesson's two editions together.
    for number, (en, zh) in enumerate(zip(code_cells(english), code_cells(chinese))):
        en_shown = [shown(output) for output in en["outputs"]]
        zh_shown = [shown(output) for output in zh["outputs"]]
        if IN_CHINESE in source(zh):  # the same verdict, in Chinese
            en_shown = [(kind, verdict_opening(text)) for kind, text in en_shown]
            zh_shown = [(kind, verdict_opening(text)) for kind, text in zh_shown]
        assert zh_shown == en_shown, f"code cell {number}: refresh both editions"


@pytest.mark.parametrize(("english", "chinese"), TWINS)
def test_chinese_lesson_quotes_the_learner_verbatim_and_untranslated(english, chinese):
    en_cells = load(english)["cells"]
    zh_cells = load(chinese)["cells"]
    learner = [line for line in quotes(en_cells) if CHINESE.search(line)]
    assert learner
    zh_quotes = quotes(zh_cells)
    for line in learner:
        assert line in zh_quotes, line
    # The Chinese reader reads the original: no English translation lines.
    assert not any(line.startswith("> *") for line in zh_quotes)
    assert any(source(c).startswith("## 问题") for c in zh_cells)


@pytest.mark.parametrize("name", NAMES + ZH_NAMES)
def test_error_cells_are_marked_and_show_the_engines_explanation(name):
    for cell in load(name)["cells"]:
        if cell["cell_type"] != "code":
            continue
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        marked = "raises-exception" in cell["metadata"].get("tags", [])
        assert bool(errors) == marked, source(cell)
        for error in errors:
            assert len(error["evalue"]) > 20, error["evalue"]


@pytest.mark.parametrize("name", NAMES + ZH_NAMES)
def test_stored_outputs_hold_nothing_that_changes_between_runs(name):
    notebook = load(name)
    text = outputs_text(notebook)
    assert "widget-view+json" not in text
    assert "widgets" not in notebook["metadata"]
    assert not re.search(r"0x[0-9a-f]{6,}", text)
    assert not re.search(r"\d+(ms|us|s)/step", text)
    assert "image/svg+xml" not in text  # graphviz's SVG differs between versions
    # Stored after a full run: every code cell has been executed.
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is not None, source(cell)


def load_refresh_tool():
    path = LESSONS.parent / "tools" / "refresh_lessons.py"
    spec = importlib.util.spec_from_file_location("refresh_lessons", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_refresh_tool_refreshes_both_editions_together():
    tool = load_refresh_tool()
    everything = [path.relative_to(LESSONS).as_posix() for path in tool.every_lesson()]
    assert everything == NAMES + ZH_NAMES
    for english, chinese in TWINS:
        assert tool.notebooks(LESSONS / english) == [LESSONS / english, LESSONS / chinese]
        assert tool.notebooks(LESSONS / chinese) == [LESSONS / chinese, LESSONS / english]
