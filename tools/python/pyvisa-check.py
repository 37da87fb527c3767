#!/usr/bin/python3
"""A PyVISA session (pyvisa-py backend) with the press or press-sim serve, over a TCPIP
SOCKET resource and/or a serial (ASRL) resource. Prints the transcript; exits 1 on a failure.

  /usr/bin/python3 tools/python/pyvisa-check.py TCPIP::127.0.0.1::5025::SOCKET ASRL/dev/pts/3::INSTR
"""
import sys

import pyvisa

PROGRAM = (
    b'{"format":"press-program/1","name":"visa-check","die":{"diameter_mm":10,"max_pressure_MPa":740},'
    b'"steps":[{"type":"ramp","to_MPa":20,"rate_MPa_s":20},{"type":"release","to_MPa":0,"rate_MPa_s":20}]}'
)


def check(rm, resource):
    inst = rm.open_resource(resource)
    inst.read_termination = "\n"
    inst.write_termination = "\n"
    inst.timeout = 5000
    print("--", resource)

    def query(text):
        answer = inst.query(text)
        print(">", text)
        print("<", answer)
        return answer

    inst.write("*CLS")
    idn = query("*IDN?")
    assert idn.startswith("Lab Press Works,"), idn
    query("MEAS:FORC?")
    inst.write_binary_values('PROG:DEF "visa-check",', PROGRAM, datatype="B")
    print('> PROG:DEF "visa-check",#3%d%s' % (len(PROGRAM), PROGRAM.decode()))
    assert query("SYST:ERR?") == '0,"No error"'
    assert "visa-check" in query("PROG:CAT?")
    program = inst.query_binary_values('PROG:DEF? "visa-check"', datatype="B", container=bytes)
    print('> PROG:DEF? "visa-check"')
    print("< #%d%d%s" % (len(str(len(program))), len(program), program.decode()))
    assert b'"name":"visa-check"' in program
    inst.write("PROG:DEX 1")
    print("> PROG:DEX 1")
    assert query("SYST:ERR?").startswith("-113,")
    query("PROG:STAT?")
    assert query("*OPC?") == "1"
    inst.close()


def main():
    resources = sys.argv[1:] or ["TCPIP::127.0.0.1::5025::SOCKET"]
    rm = pyvisa.ResourceManager("@py")
    print("pyvisa", pyvisa.__version__, "backend", rm.visalib)
    for resource in resources:
        check(rm, resource)
    print("ok")


if __name__ == "__main__":
    main()
