import keras


model = keras.Sequential([
    keras.Input(shape=(784,), name='input_layer'),
    keras.layers.Dense(512, activation='relu', kernel_regularizer=keras.regularizers.L1(l1=0.0), name='dense'),
    keras.layers.Dense(256, kernel_regularizer=keras.regularizers.L2(), bias_regularizer=keras.regularizers.L1(l1=0.009999999776482582), name='dense_1'),
    keras.layers.Dense(128, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.01), activity_regularizer=keras.regularizers.L2(l2=0.0001), name='dense_2'),
], name='sequential')
model.summary()
