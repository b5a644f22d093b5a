# Every activation of the chapter, as a Dense argument and as an Activation layer.
from keras.models import Sequential
from keras.layers import Activation, Dense

model = Sequential()
model.add(Dense(512, activation = 'linear', input_shape = (784,)))
model.add(Dense(256, activation='elu'))
model.add(Dense(128, activation='selu'))
model.add(Dense(64, activation='relu'))
model.add(Dense(64, activation='softplus'))
model.add(Dense(64, activation='softsign'))
model.add(Dense(64, activation='tanh'))
model.add(Dense(32, activation='sigmoid'))
model.add(Dense(32, activation='hard_sigmoid'))
model.add(Dense(32, activation='exponential'))
model.add(Dense(10))
model.add(Activation('softmax'))
model.summary()
