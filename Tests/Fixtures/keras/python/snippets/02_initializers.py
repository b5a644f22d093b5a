# Every initializer of the chapter, one Dense layer each.
from keras.models import Sequential
from keras.layers import Dense
from keras import initializers

model = Sequential()
model.add(Dense(512, activation='relu', input_shape=(784,), kernel_initializer=initializers.Zeros()))
model.add(Dense(256, kernel_initializer=initializers.Ones()))
model.add(Dense(128, kernel_initializer=initializers.Constant(value=0)))
model.add(Dense(64, kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=0.05, seed=None)))
model.add(Dense(64, kernel_initializer=initializers.RandomUniform(minval=-0.05, maxval=0.05, seed=None)))
model.add(Dense(64, kernel_initializer=initializers.TruncatedNormal(mean=0.0, stddev=0.05, seed=None)))
model.add(Dense(64, kernel_initializer=initializers.VarianceScaling(scale=1.0, mode='fan_in', distribution='normal', seed=None)))
model.add(Dense(32, kernel_initializer=initializers.lecun_normal(seed=None)))
model.add(Dense(32, kernel_initializer=initializers.lecun_uniform(seed=None)))
model.add(Dense(32, kernel_initializer=initializers.glorot_normal(seed=None)))
model.add(Dense(32, kernel_initializer=initializers.glorot_uniform(seed=None)))
model.add(Dense(32, kernel_initializer=initializers.he_normal(seed=None)))
model.add(Dense(32, kernel_initializer=initializers.he_uniform(seed=None)))
model.add(Dense(32, kernel_initializer=initializers.Orthogonal(gain=1.0, seed=None)))
model.add(Dense(32, kernel_initializer=initializers.Identity(gain=1.0)))
model.summary()
