import keras


model = keras.Sequential([
    keras.Input(shape=(784,), name='input_layer'),
    keras.layers.Dense(512, name='dense'),
    keras.layers.Dense(256, activation='elu', name='dense_1'),
    keras.layers.Dense(128, activation='selu', name='dense_2'),
    keras.layers.Dense(64, activation='relu', name='dense_3'),
    keras.layers.Dense(64, activation='softplus', name='dense_4'),
    keras.layers.Dense(64, activation='softsign', name='dense_5'),
    keras.layers.Dense(64, activation='tanh', name='dense_6'),
    keras.layers.Dense(32, activation='sigmoid', name='dense_7'),
    keras.layers.Dense(32, activation='hard_sigmoid', name='dense_8'),
    keras.layers.Dense(32, activation='exponential', name='dense_9'),
    keras.layers.Dense(10, name='dense_10'),
    keras.layers.Activation('softmax', name='activation'),
], name='sequential')
model.summary()
