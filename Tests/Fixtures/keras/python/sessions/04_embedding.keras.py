import keras


model = keras.Sequential([
    keras.Input(shape=(10,), dtype='int32', name='ids'),
    keras.layers.Embedding(1000, 64, embeddings_initializer=keras.initializers.HeNormal(), mask_zero=True, name='embedding'),
    keras.layers.Flatten(name='flatten'),
    keras.layers.Dense(32, kernel_constraint=keras.constraints.MaxNorm(), bias_constraint=keras.constraints.NonNeg(), trainable=False, name='dense'),
    keras.layers.Dense(1, activation='sigmoid', kernel_initializer=keras.initializers.VarianceScaling(scale=2.0, mode='fan_out', distribution='uniform'), name='dense_1'),
], name='sequential')
model.summary()
