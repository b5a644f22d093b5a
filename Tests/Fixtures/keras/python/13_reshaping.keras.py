import keras


model = keras.Sequential([
    keras.Input(shape=(3, 4, 5, 6), name='input_layer_1'),
    keras.layers.ZeroPadding3D(padding=((1, 0), (2, 2), (0, 3)), data_format='channels_first', name='zero_padding3d'),
    keras.layers.Cropping3D(cropping=((0, 1), (1, 1), (2, 0)), name='cropping3d'),
    keras.layers.UpSampling3D(size=(1, 2, 3), data_format='channels_first', name='up_sampling3d'),
    keras.layers.Reshape((14, 27, -1), name='reshape_1'),
    keras.layers.UpSampling2D(size=(3, 1), data_format='channels_first', name='up_sampling2d_1'),
], name='sequential_1')
model.summary()
