"""The models and optimizers of the Keras-written optimizer files (imported by both sides).

`build(keras_module)` works with `keras` and with `kerastutor`: a small
Sequential model, compiled with each optimizer below.
"""

import numpy as np

# file stem -> (optimizer class name, config); 'schedule' is saved as a whole .keras file.
OPTIMIZERS = {
    "nadam_schedule": (
        "Nadam",
        {
            "learning_rate": {
                "module": "keras.optimizers.schedules",
                "class_name": "CosineDecay",
                "config": {"initial_learning_rate": 0.05, "decay_steps": 10, "alpha": 0.1},
                "registered_name": None,
            },
            "clipnorm": 1.0,
        },
    ),
    "adamw_amsgrad": ("AdamW", {"learning_rate": 0.01, "amsgrad": True}),
    "sgd_ema_accumulate": (
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.9, "use_ema": True, "gradient_accumulation_steps": 2},
    ),
    "rmsprop_centered": ("RMSprop", {"momentum": 0.5, "centered": True}),
    "adamax": ("Adamax", {"learning_rate": 0.01, "global_clipnorm": 0.5}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0, "weight_decay": 0.1}),
    "ftrl": ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01}),
    "lion": ("Lion", {"learning_rate": 0.01, "clipvalue": 0.5}),
}

STEPS_BEFORE_SAVING = 3


def data():
    rng = np.random.default_rng(12)
    x = rng.normal(size=(6, 3)).astype("float32")
    return x, (x[:, :2] * 1.5 - 0.5).astype("float32")


def build(keras, stem):
    """The model with fixed weights, compiled with the optimizer of `stem`."""
    model = keras.models.Sequential(
        [
            keras.layers.Input(shape=(3,)),
            keras.layers.Dense(4, activation="tanh"),
            keras.layers.Dense(2),
        ]
    )
    rng = np.random.default_rng(3)
    model.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in model.get_weights()]
    )
    name, config = OPTIMIZERS[stem]
    model.compile(
        optimizer=keras.optimizers.get({"class_name": name, "config": _copy(config)}), loss="mse"
    )
    return model


def _copy(value):
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value
