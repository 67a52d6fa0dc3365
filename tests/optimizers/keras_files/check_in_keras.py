"""Load write_kerastutor_files.py's files in Keras 3: same optimizer variables, same next step."""

import io
import pathlib
import sys
import zipfile

import h5py
import keras
import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from optimizer_cases import OPTIMIZERS, data  # noqa: E402


def main(directory):
    x, y = data()
    for stem in OPTIMIZERS:
        path = pathlib.Path(directory) / f"{stem}.keras"
        with zipfile.ZipFile(path) as archive:
            h5file = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
            saved = [
                h5file["optimizer/vars"][str(i)][()] for i in range(len(h5file["optimizer/vars"]))
            ]
        model = keras.saving.load_model(path)
        variables = model.optimizer.variables
        if len(variables) != len(saved):
            raise AssertionError(f"{stem}: Keras keeps {len(variables)}, the file has {len(saved)}")
        for variable, array in zip(variables, saved, strict=True):
            np.testing.assert_array_equal(
                np.asarray(variable), array, err_msg=f"{stem} {variable.path}"
            )
        model.train_on_batch(x, y)
        expected = np.load(pathlib.Path(directory) / f"{stem}_next.npz")
        for i, weight in enumerate(model.get_weights()):
            np.testing.assert_allclose(weight, expected[f"arr_{i}"], rtol=1e-5, atol=1e-6)
        print(f"{stem}: {len(variables)} optimizer variables as saved; the next step matches")


if __name__ == "__main__":
    main(sys.argv[1])
