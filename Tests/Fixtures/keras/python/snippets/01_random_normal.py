# The chapter's first snippet: a custom initializer on the first Dense layer.
from keras.models import Sequential
from keras.layers import Activation, Dense
from keras import initializers
my_init = initializers.RandomNormal(mean=0.0, stddev = 0.05, seed = None)
model = Sequential()
model.add(Dense(512, activation = 'relu', input_shape = (784,),
   kernel_initializer = my_init))
model.summary()
