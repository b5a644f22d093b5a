# Padding, cropping and upsampling layers, both data formats.
import keras
from keras.layers import ZeroPadding2D, Cropping1D, UpSampling2D, Cropping2D
model = keras.Sequential([keras.Input(shape=(5, 6, 2)), ZeroPadding2D(((1, 2), (3, 4))), Cropping2D(1), UpSampling2D(interpolation='bilinear'),
                          keras.layers.Reshape((-1, 2)), Cropping1D((1, 2)), keras.layers.UpSampling1D(3), keras.layers.ZeroPadding1D()])
model.summary()
model = keras.Sequential([keras.Input(shape=(3, 4, 5, 6)), keras.layers.ZeroPadding3D(((1, 0), 2, (0, 3)), data_format='channels_first'),
                          keras.layers.Cropping3D(((0, 1), (1, 1), (2, 0))), keras.layers.UpSampling3D((1, 2, 3), data_format='channels_first'),
                          keras.layers.Reshape((14, 27, -1)), keras.layers.UpSampling2D((3, 1), data_format='channels_first')])
model.summary()
print(model.output_shape)
