import keras


model = keras.Sequential([
    keras.Input(shape=(784,), name='input_layer'),
    keras.layers.Dense(512, activation='relu', kernel_initializer=keras.initializers.Zeros(), name='dense'),
    keras.layers.Dense(256, kernel_initializer=keras.initializers.Ones(), name='dense_1'),
    keras.layers.Dense(128, kernel_initializer=keras.initializers.Constant(), name='dense_2'),
    keras.layers.Dense(64, kernel_initializer=keras.initializers.RandomNormal(), name='dense_3'),
    keras.layers.Dense(64, kernel_initializer=keras.initializers.RandomUniform(), name='dense_4'),
    keras.layers.Dense(64, kernel_initializer=keras.initializers.TruncatedNormal(), name='dense_5'),
    keras.layers.Dense(64, kernel_initializer=keras.initializers.VarianceScaling(), name='dense_6'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.LecunNormal(), name='dense_7'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.LecunUniform(), name='dense_8'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.GlorotNormal(), name='dense_9'),
    keras.layers.Dense(32, name='dense_10'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.HeNormal(), name='dense_11'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.HeUniform(), name='dense_12'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.Orthogonal(), name='dense_13'),
    keras.layers.Dense(32, kernel_initializer=keras.initializers.Identity(), name='dense_14'),
], name='sequential')
model.summary()
