#include <stdlib.h>
int main(void);
int main(void){return EXIT_SUCCESS;}
