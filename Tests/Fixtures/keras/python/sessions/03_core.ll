input 6 4
add dropout 0.25 noise_shape=(None, 1, 4) seed=3
add flatten
add dense 12 tanh use_bias=False kernel_regularizer=l2(0.01) activity_regularizer=l1(0.001)
add reshape 3 4
add permute 2 1
add lambda "x * 2 + 1"
add flatten
add repeatvector 2
add activation softmax
