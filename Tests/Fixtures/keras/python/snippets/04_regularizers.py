# Regularizers: L1, L2 and L1L2 on kernels, biases and activities.
from keras.models import Sequential
from keras.layers import Dense
from keras import regularizers

my_regularizer = regularizers.l1(0.)
model = Sequential()
model.add(Dense(512, activation = 'relu', input_shape = (784,),
   kernel_regularizer = my_regularizer))
model.add(Dense(256, kernel_regularizer=regularizers.l2(0.01), bias_regularizer=regularizers.l1(0.01)))
model.add(Dense(128, kernel_regularizer=regularizers.l1_l2(l1=0.01, l2=0.01), activity_regularizer=regularizers.L2(1e-4)))
model.summary()
