import keras


model = keras.Sequential([
    keras.layers.Dense(8, activation='relu', bias_initializer=keras.initializers.Constant(value=0.1), name='dense'),
    keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.02), name='dense_1'),
], name='sequential')
model.summary()
