# Other ways to write a Sequential model: a list, keras.Input, module aliases.
import keras
import keras.layers as L
from keras import Input

model = keras.Sequential([
    Input(shape=(28, 28)),
    L.Flatten(),
    L.Dense(128, activation="relu"),
    L.Dropout(0.2),
    L.Dense(10),
])
model.summary()
model2 = keras.Sequential(name="second")
model2.add(keras.Input(shape=(10,)))
model2.add(L.Dense(4))
model2.add(L.Reshape((2, 2)))
model2.add(L.Permute((2, 1)))
model2.summary()
