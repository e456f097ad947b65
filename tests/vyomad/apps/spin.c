/* spin — never calls the host: only vw_interrupt can stop it. */
int main(void) {
  volatile unsigned long x = 0;
  for (;;) x++;
}
