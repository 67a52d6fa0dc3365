"""ConvView: the window, the kernel and the sum of one output cell, checked against the layer."""

import doctest
import itertools

import numpy as np
import pytest

from kerastutor import random
from kerastutor.layers import (
    AveragePooling1D,
    AveragePooling2D,
    Conv1D,
    Conv2D,
    Dense,
    Flatten,
    Input,
    MaxPooling1D,
    MaxPooling2D,
)
from kerastutor.models import Model
from kerastutor.utils import set_random_seed
from kerastutor.widgets import ConvView, conv_view


def numbered_conv():
    """The docstring's example: a 5x5 image of 0..24 and one all-ones 3x3 kernel."""
    conv = Conv2D(1, (3, 3), kernel_initializer="ones")
    return conv, np.arange(25.0).reshape(5, 5, 1)


def random_conv(**options):
    """A Conv2D with random kernel and bias, on a batch of two 6x7 RGB images."""
    rng = np.random.default_rng(7)
    conv = Conv2D(3, (3, 2), **options)
    images = rng.normal(size=(2, 6, 7, 3)).astype("float32")
    conv.build(images.shape)
    conv.set_weights([rng.normal(size=(3, 2, 3, 3)), rng.normal(size=(3,))])
    return conv, images


def test_the_docstring_example_runs():
    results = doctest.testmod(conv_view, optionflags=doctest.ELLIPSIS)
    assert results.attempted >= 6 and results.failed == 0


def test_the_docstring_example_and_a_stable_repr():
    view = ConvView(*numbered_conv())
    assert view.output_shape == (3, 3, 1)
    assert repr(view) == (
        "ConvView(conv2d: Conv2D, padding='valid', strides=(1, 1), dilation_rate=(1, 1): "
        "(5, 5, 1) -> (3, 3, 1), output[0, 0, 0] = 54.000)"
    )
    view.row, view.col = 1, 2
    assert view.taps == [(r, c) for r in (1, 2, 3) for c in (2, 3, 4)]
    assert view.engine_value == 117.0 == view.cell_value  # 5 * (5 + 10 + 15) / 5 * 3 + 27
    assert view.products_sum == 117.0 and view.bias == 0.0
    assert np.array(view.window)[:, :, 0].tolist() == [[7, 8, 9], [12, 13, 14], [17, 18, 19]]


@pytest.mark.parametrize(
    ("padding", "strides"), list(itertools.product(["valid", "same"], [(1, 1), (2, 2), (3, 3)]))
)
def test_the_sum_shown_is_the_layers_output_at_every_cell(padding, strides):
    conv, images = random_conv()
    view = ConvView(conv, images)
    view.padding, view.strides = padding, strides
    # An independent layer with these settings and the same weights: the engine's truth.
    reference = Conv2D(3, (3, 2), padding=padding, strides=strides)
    reference.build(images.shape)
    reference.set_weights(conv.get_weights())
    expected = np.asarray(reference(images))
    assert view.output_shape == expected.shape[1:]
    kernel, bias = conv.get_weights()
    for sample, row, col, filter_index in itertools.product(
        range(2), range(expected.shape[1]), range(expected.shape[2]), range(3)
    ):
        view.select(row=row, col=col, filter=filter_index, sample=sample)
        np.testing.assert_array_equal(view.kernel_window, kernel[..., filter_index])
        window_times_kernel = (np.array(view.window) * np.array(view.kernel_window)).sum()
        assert view.products_sum == pytest.approx(window_times_kernel, abs=1e-6)
        assert view.bias == pytest.approx(bias[filter_index])
        cell = expected[sample, row, col, filter_index]
        assert view.products_sum + view.bias == pytest.approx(cell, abs=1e-5)
        assert view.engine_value == pytest.approx(cell, abs=1e-6)
        assert view.cell_value == pytest.approx(cell, abs=1e-5)


def test_same_padding_reads_zeros_outside_the_image():
    conv, images = random_conv(padding="same")
    view = ConvView(conv, images)
    assert view.pads == ((1, 1), (0, 1))  # kernel (3, 2): the odd column of padding goes right
    view.select(row=5, col=6)
    assert view.taps == [(4, 6), (4, 7), (5, 6), (5, 7), (6, 6), (6, 7)]
    window = np.array(view.window)
    assert not window[2].any() and not window[:, 1].any()  # row 6 and column 7 are padding
    np.testing.assert_array_equal(window[0, 0], images[0, 4, 6])


def test_switches_explain_why_the_output_is_smaller_or_the_same():
    view = ConvView(*numbered_conv())
    assert view.size_reason == (
        "rows and columns: padding='valid' adds nothing, so a window 3 wide fits at "
        "((5 - 3) // 1) + 1 = 3 places, smaller than the input (5)."
    )
    view.padding = "same"
    assert view.output_shape == (5, 5, 1)
    assert view.size_reason.startswith("rows and columns: padding='same' adds 1 zero(s) before")
    assert view.size_reason.endswith("ceil(5 / 1) = 5 places, the same as the input (5).")
    view.strides = (2, 2)
    assert view.output_shape == (3, 3, 1)
    assert "ceil(5 / 2) = 3 places, smaller than the input (5)." in view.size_reason


def test_output_position_sliders_follow_the_output_size():
    view = ConvView(*numbered_conv())
    view.padding = "same"
    view.select(row=4, col=4)
    assert (view.row_slider.max, view.col_slider.max) == (4, 4)
    view.strides_picker.value = (3, 3)  # the control changes the trait ...
    assert view.strides == (3, 3) and view.output_shape == (2, 2, 1)
    assert (view.row, view.col) == (1, 1)  # ... and the chosen cell moves inside the output
    view.row = 0  # the trait moves its slider
    assert view.row_slider.value == 0
    with pytest.raises(
        ValueError,
        match=r"ConvView's `row` slider takes an int from 0 to 1; "
        r"received 9\. The output is \(2, 2, 1\)",
    ):
        view.select(row=9, col=-1, filter=5)  # refused, not clamped: nothing changes
    assert (view.row, view.col, view.filter) == (0, 1, 0) and view.error is None
    with pytest.raises(TypeError, match=r"`col` slider takes an int from 0 to 1; received str '1'"):
        view.select(col="1")
    view.select(row=1, col=0)
    assert (view.row, view.col) == (1, 0) and view.engine_value == view.cell_value


def test_a_trained_layer_shows_its_trained_weights_and_refresh_reads_new_ones():
    set_random_seed(3)
    images = np.random.default_rng(0).normal(size=(16, 6, 6, 1)).astype("float32")
    targets = images.mean(axis=(1, 2, 3))[:, None]
    inputs = Input(shape=(6, 6, 1))
    conv = Conv2D(2, 3, activation="relu")
    features = conv(inputs)
    model = Model(inputs, Dense(1)(Flatten()(features)))
    model.compile(optimizer="adam", loss="mse")
    model.fit(images, targets, epochs=3, verbose=0)
    conv_outputs = Model(inputs, features).predict(images[:2], verbose=0)

    view = ConvView(conv, images[:2])
    view.select(row=2, col=3, filter=1, sample=1)
    np.testing.assert_array_equal(view.kernel_window, conv.get_weights()[0][..., 1])
    assert view.cell_value == pytest.approx(conv_outputs[1, 2, 3, 1], abs=1e-5)
    assert view.engine_value == pytest.approx(conv_outputs[1, 2, 3, 1], abs=1e-6)
    assert max(view.products_sum + view.bias, 0.0) == pytest.approx(view.cell_value, abs=1e-5)

    model.fit(images, targets, epochs=2, verbose=0)
    assert view.kernel_window != conv.get_weights()[0][..., 1].tolist()
    view.refresh()
    np.testing.assert_array_equal(view.kernel_window, conv.get_weights()[0][..., 1])


def test_an_unbuilt_layer_is_built_deterministically_without_using_the_learners_randomness():
    set_random_seed(0)
    expected_next = random.generator().random()
    set_random_seed(0)
    first = ConvView(Conv2D(2, 3))
    assert random.generator().random() == expected_next
    set_random_seed(0)
    second = ConvView(Conv2D(2, 3))
    assert first.window == second.window and first.kernel_window == second.kernel_window
    assert first.input_shape == (7, 7, 1)  # the default image: whole numbers 0-9, seeded
    assert np.array(first.input_maps[0]).max() <= 9
    assert ConvView(Conv2D(2, 3), seed=1).window != first.window


def test_settings_keras_refuses_are_explained_inside_the_widget():
    conv = Conv2D(1, (3, 3))
    view = ConvView(conv, np.ones((2, 4, 1)))
    assert "its (3, 3) kernel must fit inside the input" in view.error
    assert "size 2 < 3. Use padding='same'" in view.error
    assert "kt-error" in view.html and "its (3, 3) kernel must fit inside the input" in view.html
    assert (
        repr(view)
        == "ConvView(conv2d: Conv2D, padding='valid', strides=(1, 1), dilation_rate=(1, 1): rejected)"
    )
    view.padding = "same"  # the widget keeps working
    assert view.error is None and view.output_shape == (2, 4, 1)
    assert "kt-error" not in view.html


def test_html_draws_the_window_the_products_and_the_check():
    view = ConvView(*numbered_conv())
    view.select(row=1, col=2)
    html = view.html
    assert html.count('class="kt-tap"') == 9 + 1  # the 9 window cells and the output cell
    assert "window, channel 0" in html and "kernel[..., 0, 0]" in html
    assert "output[1, 2, 0] = sum(window &times; kernel) + bias[0] = 117.000 + 0.000" in html
    assert "the sum worked out above is equal (difference 0.0e+00)" in html
    assert "<b>conv2d</b> (Conv2D, 1 filter(s), each a 3x3 window over all 1 input" in html


def test_a_frozen_layer_says_so():
    conv, image = numbered_conv()
    conv.trainable = False
    assert "frozen (trainable=False)" in ConvView(conv, image).html


def test_constructor_arguments_are_checked():
    with pytest.raises(TypeError, match="ConvView explains one of Conv1D, Conv2D, MaxPooling1D"):
        ConvView(Dense(3))
    with pytest.raises(ValueError, match=r"received an array of shape \(5, 5\)"):
        ConvView(Conv2D(1, 3), np.zeros((5, 5)))


def test_max_pooling_shows_which_input_was_the_max():
    view = ConvView(MaxPooling2D(), np.arange(16.0).reshape(4, 4, 1))
    assert view.output_shape == (2, 2, 1) and view.kernel_window == []
    view.select(row=1, col=0)
    assert np.array(view.window)[:, :, 0].tolist() == [[8, 9], [12, 13]]
    assert view.winner == (3, 1) and view.engine_value == view.cell_value == 13.0
    assert "max(window) = 13.000, the input at row 3, col 1 (outlined red)" in view.html
    assert view.html.count('class="kt-winner"') == 1
    assert repr(view) == (
        "ConvView(max_pooling2d: MaxPooling2D, padding='valid', strides=(2, 2): "
        "(4, 4, 1) -> (2, 2, 1), output[1, 0, 0] = 13.000)"
    )


@pytest.mark.parametrize("layer_class", [MaxPooling2D, AveragePooling2D])
def test_pooling_with_same_padding_leaves_the_padding_out(layer_class):
    # All inputs are negative: a zero of padding would win a max or raise a mean.
    images = -np.random.default_rng(1).random((2, 5, 5, 2)).astype("float32") - 0.1
    layer = layer_class(3, strides=2, padding="same")
    expected = np.asarray(layer(images))
    view = ConvView(layer, images)
    assert view.output_shape == expected.shape[1:] == (3, 3, 2)
    assert "padding='same' adds 1 position(s)" in view.size_reason
    for sample, row, col, channel in itertools.product(range(2), range(3), range(3), range(2)):
        view.select(row=row, col=col, filter=channel, sample=sample)
        assert view.cell_value == pytest.approx(expected[sample, row, col, channel], abs=1e-6)
        assert view.engine_value == pytest.approx(expected[sample, row, col, channel], abs=1e-6)
    view.select(row=0, col=0, filter=0, sample=0)  # the corner window holds 2 x 2 real inputs
    if layer_class is MaxPooling2D:
        assert view.winner[0] in (0, 1) and view.winner[1] in (0, 1)
    else:
        assert view.products_sum / 4 == pytest.approx(view.cell_value)
        assert "/ 4 = " in view.html and "(padding is not counted)" in view.html


def test_one_dimensional_pooling_slides_along_the_steps():
    sequence = np.array([[3.0], [1.0], [4.0], [1.0], [5.0], [9.0], [2.0]])
    view = ConvView(MaxPooling1D(3, strides=2), sequence)
    assert view.output_shape == (3, 1)
    assert view.row_slider.layout.display == "none"
    assert view.col_slider.description == "output step"
    view.col = 2
    assert view.taps == [4, 5, 6] and view.winner == (5,) and view.engine_value == 9.0
    assert "the input at step 5" in view.html
    assert view.size_reason == (
        "steps: padding='valid' adds nothing, so a window 3 wide fits at "
        "((7 - 3) // 2) + 1 = 3 places, smaller than the input (7)."
    )
    average = ConvView(AveragePooling1D(2), sequence)
    average.col = 1
    assert average.cell_value == average.engine_value == 2.5


def test_pooling_has_no_dilation_switch_and_refuses_a_dilation_set_from_code():
    view = ConvView(MaxPooling2D(), np.ones((4, 4, 1)))
    assert "dilation" not in [control.description for control in view.controls.children]
    view.dilation_rate = (2, 2)
    assert "MaxPooling2D has no `dilation_rate`" in view.error
    view.dilation_rate = (1, 1)
    assert view.error is None


def test_a_pool_larger_than_the_input_is_explained_inside_the_widget():
    view = ConvView(AveragePooling1D(20))  # the default sequence has 10 steps
    assert "must fit inside the input" in view.error and "10 < 20" in view.error
    view.padding = "same"
    assert view.error is None and view.output_shape == (1, 1)


def test_lesson_6s_valid_and_same_example_cell_by_cell():
    """Lesson 6's 5x5 image and 3x3 kernel of ones: the middle 108 and the padded corner 12."""
    image = np.arange(25, dtype="float32").reshape(1, 5, 5, 1)
    ones = [np.ones((3, 3, 1, 1), dtype="float32"), np.zeros((1,), dtype="float32")]
    view = ConvView(Conv2D(1, (3, 3), padding="valid", weights=ones), image)
    view.select(row=1, col=1)
    assert repr(view) == (
        "ConvView(conv2d: Conv2D, padding='valid', strides=(1, 1), dilation_rate=(1, 1): "
        "(5, 5, 1) -> (3, 3, 1), output[1, 1, 0] = 108.000)"
    )
    view.padding = "same"
    view.select(row=0, col=0)
    assert view.engine_value == 12.0 == view.products_sum  # 0 + 1 + 5 + 6 and five zeros
    assert sum(not (0 <= r < 5 and 0 <= c < 5) for r, c in view.taps) == 5


def test_many_channels_draw_three_and_sum_the_rest():
    rng = np.random.default_rng(2)
    conv = Conv2D(2, 3)
    images = rng.normal(size=(1, 5, 5, 5)).astype("float32")
    view = ConvView(conv, images)
    assert view.channels_read == [0, 1, 2, 3, 4] and len(view.input_maps) == 3
    products = np.array(view.window) * np.array(view.kernel_window)
    assert f"The other 2 channels' products add {products[:, :, 3:].sum():.3f}." in view.html
    assert view.products_sum == pytest.approx(products.sum(), abs=1e-6)


def test_conv1d_causal_padding_never_reads_a_later_step():
    sequence = np.arange(8.0).reshape(8, 1)
    conv = Conv1D(1, 3, padding="causal", dilation_rate=2, kernel_initializer="ones")
    view = ConvView(conv, sequence)
    assert [label for label, _ in view.padding_picker.options] == ["valid", "same", "causal"]
    assert view.pads == ((0, 0), (4, 0)) and view.output_shape == (8, 1)
    for step in range(8):
        view.col = step
        assert view.taps == [step - 4, step - 2, step]  # dilation 2: every other step
        assert max(view.taps) == step  # nothing later than the step itself
        assert view.engine_value == view.cell_value == sum(t for t in view.taps if t >= 0)
    assert "padding='causal' adds 4 zeros at the start only" in view.size_reason
    assert "the same as the input (8)" in view.size_reason
    view.padding = "valid"
    assert view.output_shape == (4, 1)
    assert view.size_reason == (
        "steps: padding='valid' adds nothing, so a window 5 wide (3 taps, one every 2 inputs: "
        "dilation_rate) fits at ((8 - 5) // 1) + 1 = 4 places, smaller than the input (8)."
    )


@pytest.mark.parametrize(
    ("padding", "dilation_rate"), [("valid", (2, 2)), ("same", (2, 2)), ("same", (3, 1))]
)
def test_dilated_conv2d_sums_the_spaced_taps_the_layer_reads(padding, dilation_rate):
    conv, images = random_conv()
    view = ConvView(conv, images)
    view.padding, view.dilation_rate = padding, dilation_rate
    reference = Conv2D(3, (3, 2), padding=padding, dilation_rate=dilation_rate)
    reference.build(images.shape)
    reference.set_weights(conv.get_weights())
    expected = np.asarray(reference(images))
    assert view.output_shape == expected.shape[1:]
    for row, col in itertools.product(range(expected.shape[1]), range(expected.shape[2])):
        view.select(row=row, col=col, filter=2, sample=1)
        rows = sorted({r for r, _ in view.taps})
        assert np.diff(rows).tolist() == [dilation_rate[0]] * 2
        assert view.cell_value == pytest.approx(expected[1, row, col, 2], abs=1e-5)


def test_strides_and_dilation_together_are_refused_as_keras_refuses_them():
    view = ConvView(*numbered_conv())
    view.strides = (2, 2)
    view.dilation_rate = (2, 2)
    assert "does not support strides > 1" in view.error and "kt-error" in view.html
    view.strides = (1, 1)
    assert view.error is None and view.output_shape == (1, 1, 1)


def test_grouped_conv_reads_only_its_groups_channels():
    rng = np.random.default_rng(4)
    conv = Conv2D(4, 3, groups=2, padding="same")
    images = rng.normal(size=(1, 5, 5, 4)).astype("float32")
    expected = np.asarray(conv(images))
    view = ConvView(conv, images)
    assert "over the 2 input channels of its group (groups=2)" in view.html
    for filter_index, channels in [(0, [0, 1]), (1, [0, 1]), (2, [2, 3]), (3, [2, 3])]:
        view.select(row=4, col=1, filter=filter_index)
        assert view.channels_read == channels
        np.testing.assert_array_equal(view.kernel_window, conv.get_weights()[0][..., filter_index])
        assert view.cell_value == pytest.approx(expected[0, 4, 1, filter_index], abs=1e-5)


def test_a_setting_given_from_code_is_offered_and_judged_by_the_engine():
    view = ConvView(*numbered_conv())
    view.padding = "causal"  # not offered for images; the layer explains why
    assert view.padding_picker.value == "causal"
    assert "'causal' padding only exists for sequences (Conv1D)" in view.error
    view.padding_picker.value = "same"
    assert view.error is None
    view.strides = (2, 1)  # uneven strides join the drop-down
    assert view.strides_picker.value == (2, 1) and view.output_shape == (3, 5, 1)


def test_an_image_with_the_wrong_channels_gets_the_layers_own_explanation():
    conv = Conv2D(2, 3)
    conv.build((None, 8, 8, 3))
    view = ConvView(conv, np.ones((6, 6, 1)))
    assert "made for inputs with 3 channels" in view.error
    assert "kt-error" in view.html and repr(view).endswith(": rejected)")


def test_every_change_renders_once(monkeypatch):
    view = ConvView(Conv2D(2, 3), np.ones((6, 6, 1)))
    renders = []
    original = view._render
    monkeypatch.setattr(view, "_render", lambda: renders.append(1) or original())
    view.col_slider.value = 2
    view.padding_picker.value = "same"
    view.select(row=3, col=3)
    view.strides_picker.value = (3, 3)  # shrinks the output and moves the cell inside it
    view.refresh()
    assert len(renders) == 5 and (view.row, view.col) == (1, 1)


def test_the_window_numbers_are_drawn_above_their_tint():
    """A chosen cell's number comes after (so above) the tinted outline that covers it."""
    view = ConvView(*numbered_conv())
    view.select(row=1, col=2)
    html = view.html
    for value in ("7.0", "13.0", "19.0"):  # cells of the window at output (1, 2)
        bold = f'font-weight="bold">{value}</text>'
        assert bold in html
        assert html.index(bold) > html.index('class="kt-tap"')
