# Names too long for their column wrap at spaces or are cut with an ellipsis.
import keras
from keras import layers

a = keras.Input(shape=(4,), name='a_very_long_input_name_that_does_not_fit')
b = keras.Input(shape=(4,), name='another_rather_long_input_name')
c = layers.Add(name='sum_of_both')([a, b])
d = layers.Dense(3, name='batch_normalization_like_long_dense_name')(c)
e = layers.Concatenate(name='joined')([a, b, c, d])
model = keras.Model(inputs=[a, b], outputs=e)
model.summary()
