# Constraints on the kernel and the bias.
from keras.models import Sequential
from keras.layers import Dense
from keras import constraints

my_constrain = constraints.UnitNorm(axis = 0)
model = Sequential()
model.add(Dense(512, activation = 'relu', input_shape = (784,),
   kernel_constraint = my_constrain))
model.add(Dense(256, kernel_constraint=constraints.NonNeg()))
model.add(Dense(128, kernel_constraint=constraints.MaxNorm(max_value=2, axis=0)))
model.add(Dense(64, kernel_constraint=constraints.MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0),
                bias_constraint=constraints.max_norm(3)))
model.summary()
