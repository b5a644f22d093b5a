add dense 8 relu bias_initializer=Constant(0.1)
add dense 2 kernel_regularizer=L1L2(l1=0.01, l2=0.02)
