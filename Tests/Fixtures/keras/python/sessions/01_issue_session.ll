input 16
add dense 32 relu he_uniform
add dense 16 activation=relu
add dense 8
