# Core and embedding layers, and an unbuilt model.
from keras.models import Sequential
from keras.layers import Dense, Embedding, Flatten, RepeatVector, Activation
import keras

model = Sequential()
model.add(Embedding(1000, 64))
model.add(Flatten())
model.summary()
model = Sequential([keras.Input(shape=(10,), dtype='int32'), Embedding(1000, 64), Flatten(), Dense(32), RepeatVector(3), Activation('tanh')])
model.summary()
