"""Widgets that listen to a layer leak nothing when a cell is re-run (issue #13).

Re-running a cell that makes a NodeInspector used to add one listener per
run: after 200 runs every call of the layer re-rendered 200 dead widgets.
The layer now holds its widgets weakly, a widget made again from the same
line replaces the one made there before, and `close()` stops the listening.
"""

import gc
import statistics
import time

import ipywidgets

from kerastutor.layers import Dense, Input
from kerastutor.widgets import NodeInspector
from kerastutor.widgets._render import _WeakNodeListener


def listeners(layer):
    return list(layer._node_listeners)


def median_call_ms(layer, calls=30):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        layer(Input(shape=(3,)))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def make_inspector(layer):
    return NodeInspector(layer)  # one line, as one cell run again and again


def test_two_hundred_reruns_leave_one_listener_and_calls_stay_cheap():
    alone = Dense(2)
    make_inspector(alone)
    alone(Input(shape=(3,)))
    one_widget = median_call_ms(alone)

    dense = Dense(2)
    dense(Input(shape=(3,)))
    registry = ipywidgets.widgets.widget._instances
    inspector = make_inspector(dense)
    open_with_one = len(registry)
    for _ in range(199):
        inspector = make_inspector(dense)
    gc.collect()
    assert len(listeners(dense)) <= 1
    assert len(registry) == open_with_one  # the replaced inspectors' widgets are all closed
    after_reruns = median_call_ms(dense)
    assert after_reruns < 3 * one_widget + 1.0, (one_widget, after_reruns)
    assert "called 31 times" in inspector.html  # the last one made still updates


def test_a_replaced_inspector_is_closed_with_its_controls():
    dense = Dense(2)
    first = make_inspector(dense)
    second = make_inspector(dense)
    assert first.closed and not second.closed
    assert first.comm is None and first.view.comm is None and first.node_picker.comm is None
    dense(Input(shape=(3,)))
    assert "called 1 time" in second.html and "called 1 time" not in first.html


def test_inspectors_made_in_different_places_all_stay_live():
    dense = Dense(2)
    top = NodeInspector(dense)
    bottom = NodeInspector(dense)
    dense(Input(shape=(3,)))
    assert len(listeners(dense)) == 2
    assert "called 1 time" in top.html and "called 1 time" in bottom.html


def test_close_removes_the_listener():
    dense = Dense(2)
    inspector = NodeInspector(dense)
    assert len(listeners(dense)) == 1
    inspector.close()
    assert listeners(dense) == []


def test_the_layer_holds_its_widgets_weakly():
    dense = Dense(2)
    inspector = NodeInspector(dense)
    (listener,) = listeners(dense)
    assert inspector not in gc.get_referents(listener) + gc.get_referents(vars(listener))
    assert listener.widget() is inspector


def test_a_listener_whose_widget_is_gone_removes_itself_at_the_next_call():
    class Watcher:  # stands in for a widget (ipywidgets keeps open widgets until closed)
        closed = False

        def on_node(self, layer, node):
            self.seen = node.index

    dense = Dense(2)
    watcher = Watcher()
    dense.add_node_listener(_WeakNodeListener(watcher, "on_node"))
    dense(Input(shape=(3,)))
    assert watcher.seen == 0
    del watcher
    gc.collect()
    dense(Input(shape=(3,)))
    assert listeners(dense) == []


def test_closing_leaves_no_widget_open():
    registry = ipywidgets.widgets.widget._instances
    dense = Dense(2)
    open_before = len(registry)
    inspector = NodeInspector(dense)
    assert len(registry) > open_before  # the inspector, its parts, their layouts and styles
    inspector.close()
    assert len(registry) == open_before
