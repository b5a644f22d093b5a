import keras


model = keras.Sequential([
    keras.Input(shape=(784,), name='input_layer'),
    keras.layers.Dense(512, activation='relu', kernel_constraint=keras.constraints.UnitNorm(), name='dense'),
    keras.layers.Dense(256, kernel_constraint=keras.constraints.NonNeg(), name='dense_1'),
    keras.layers.Dense(128, kernel_constraint=keras.constraints.MaxNorm(), name='dense_2'),
    keras.layers.Dense(64, kernel_constraint=keras.constraints.MinMaxNorm(), bias_constraint=keras.constraints.MaxNorm(max_value=3), name='dense_3'),
], name='sequential')
model.summary()
