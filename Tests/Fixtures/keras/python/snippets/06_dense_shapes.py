# Dense layers and their shapes; weights, inputs and outputs through numpy.
import numpy as np
from keras.models import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(32, input_shape=(16,)))
model.add(Dense(32))
model.add(Dense(8, activation='relu', use_bias=False))
model.summary()
print(model.input_shape)
print(model.output_shape)
print(len(model.get_weights()))
print(model.layers[0].get_weights()[0].shape)
print(model.layers[2].get_weights()[0].shape)
x = np.random.rand(3, 16)
print(model.predict(x, verbose=0).shape)
print(model.count_params())
