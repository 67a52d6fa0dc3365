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
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def load(name):
    return json.loads((LESSONS / name).read_text(encoding="utf-8"))


def code_cells(name):
    return [cell for cell in load(name)["cells"] if cell["cell_type"] == "code"]


def as_run(code):
    """The code as Python runs it: comments, comment-only lines and docstrings removed."""
    lines = code.splitlines()
    # IPython's line magics (`%xmode Minimal`) are kept, but are no Python for `ast`.
    python = "\n".join("" if line.startswith("%") else line for line in lines)
    dropped = set()
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            if not lines[row - 1][:column].strip():
                dropped.add(row)
            lines[row - 1] = lines[row - 1][:column].rstrip()
    for node in ast.walk(ast.parse(python)):
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
    assert not re.search(r"0x[0-9a-f]{6,}", text)
    assert not re.search(r"\d+(ms|us|s)/step", text)
    assert "image/svg+xml" not in text  # graphviz's SVG differs between versions
    # Stored after a full run: every code cell has been executed, no timings kept.
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["execution_count"] is not None, source(cell)
            assert "execution" not in cell["metadata"], source(cell)


@pytest.mark.parametrize("name", NAMES + ZH_NAMES)
def test_stored_outputs_name_no_folder_of_the_machine_that_ran_them(name):
    notebook = load(name)
    everything = json.dumps(notebook["cells"]) + json.dumps(notebook["metadata"])
    for path in {"/work/", str(LESSONS.parent), "/home/", "/tmp/", "site-packages"}:
        assert path not in everything, path


@pytest.mark.parametrize("name", NAMES + ZH_NAMES)
def test_error_cells_show_the_teaching_message_alone(name):
    # `%xmode Minimal` in the first cell: an error output is its one-line explanation,
    # with no frames of kerastutor's internals before it.
    first = next(cell for cell in load(name)["cells"] if cell["cell_type"] == "code")
    assert "%xmode Minimal" in source(first).splitlines()
    for cell in code_cells(name):
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                assert len(output["traceback"]) == 1, output["traceback"]
                plain = re.sub(r"\x1b\[[0-9;]*m", "", output["traceback"][0]).rstrip()
                assert plain == f"{output['ename']}: {output['evalue']}"


def widget_views(notebook):
    """The model ids of the widgets the cells' outputs show, in order."""
    return [
        output["data"][WIDGET_VIEW]["model_id"]
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]


@pytest.mark.parametrize("name", NAMES + ZH_NAMES)
def test_widgets_are_stored_with_their_state(name):
    # A lesson opened before running, or rendered to HTML, shows its widgets as they were.
    notebook = load(name)
    views = widget_views(notebook)
    uses_widgets = any("kerastutor.widgets import" in source(c) for c in code_cells(name))
    assert bool(views) == uses_widgets
    if not views:
        return
    state = notebook["metadata"]["widgets"][WIDGET_STATE]["state"]
    for model_id in views:
        assert state[model_id]["model_module"] == "@jupyter-widgets/controls", model_id
        # Everything the widget refers to is stored with it.
        pending = [model_id]
        while pending:
            model = state[pending.pop()]
            refs = re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(model["state"]))
            missing = [ref for ref in refs if ref not in state]
            assert not missing, f"{model['model_name']} refers to unstored {missing}"
            pending += refs
    # ... with its text form too, for renderers without widgets.
    for cell in code_cells(name):
        for output in cell["outputs"]:
            if WIDGET_VIEW in output.get("data", {}):
                assert "".join(output["data"]["text/plain"]).strip()


@pytest.mark.parametrize(("english", "chinese"), TWINS)
def test_both_editions_store_the_same_widget_state(english, chinese):
    # tools/refresh_lessons.py seeds the kernel's widget ids: the same at every run.
    en, zh = load(english), load(chinese)
    assert widget_views(zh) == widget_views(en)
    assert zh["metadata"].get("widgets") == en["metadata"].get("widgets")


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


def test_refresh_tool_refuses_a_later_cell_that_changes_a_widget_shown_above(tmp_path):
    # Runs a kernel on a three-cell notebook: a ShapeFlow, then a cell that moves its
    # control. Told nothing, the reader would find the first widget changed after Run All.
    import nbformat

    tool = load_refresh_tool()
    build = (
        "from kerastutor.layers import Dense, Input\n"
        "from kerastutor.widgets import ShapeFlow\n\n"
        "def wire(units):\n    return Dense(units)(Input(shape=(3,)))\n\n"
        "flow = ShapeFlow(wire, units=4)\nflow"
    )
    cells = [
        nbformat.v4.new_markdown_cell("The flow shows 4 units."),
        nbformat.v4.new_code_cell(build),
        nbformat.v4.new_code_cell("flow.set(units=5)"),
        nbformat.v4.new_code_cell("ShapeFlow(wire, units=6)"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    _, final_texts = tool.run(notebook, tmp_path)
    assert len(notebook.cells) == 4  # the probing cell is gone again
    problems = tool.widgets_changed_later(notebook, final_texts)
    assert len(problems) == 1
    assert problems[0].startswith("cell 1 shows ShapeFlow(units=4")
    assert "after Run All: ShapeFlow(units=5" in problems[0]
    notebook.cells[0].source = "The flow shows 4 units; scroll up and watch it below."
    assert tool.widgets_changed_later(notebook, final_texts) == []


def test_a_static_rendering_shows_the_stored_widgets():
    # `jupyter nbconvert --to html`: the page embeds the widgets' state and a view of each
    # (drawn by ipywidgets' HTML manager), where the notebook showed them.
    from nbconvert import HTMLExporter

    name = "07_dense_after_lstm.ipynb"
    body, _ = HTMLExporter().from_filename(str(LESSONS / name))
    assert "@jupyter-widgets/html-manager" in body
    state = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', body, re.S
    )
    assert state, "no widget state in the HTML"
    stored = json.loads(state.group(1))["state"]
    views = re.findall(
        r'<script type="application/vnd.jupyter.widget-view\+json">\s*(\{.*?\})\s*</script>',
        body,
        re.S,
    )
    shown = [json.loads(view)["model_id"] for view in views]
    assert shown == widget_views(load(name))
    assert all(model_id in stored for model_id in shown)
