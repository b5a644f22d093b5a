import keras


a_very_long_input_name_that_does_not_fit = keras.Input(shape=(4,), name='a_very_long_input_name_that_does_not_fit')
another_rather_long_input_name = keras.Input(shape=(4,), name='another_rather_long_input_name')
sum_of_both = keras.layers.Add(name='sum_of_both')([a_very_long_input_name_that_does_not_fit, another_rather_long_input_name])
batch_normalization_like_long_dense_name = keras.layers.Dense(3, name='batch_normalization_like_long_dense_name')(sum_of_both)
joined = keras.layers.Concatenate(name='joined')([a_very_long_input_name_that_does_not_fit, another_rather_long_input_name, sum_of_both, batch_normalization_like_long_dense_name])
model = keras.Model(inputs=[a_very_long_input_name_that_does_not_fit, another_rather_long_input_name], outputs=joined, name='functional')
model.summary()
